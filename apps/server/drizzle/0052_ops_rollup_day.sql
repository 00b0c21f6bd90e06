CREATE TABLE "ops_rollup_day" (
	"bucket" timestamp with time zone NOT NULL,
	"metric" text NOT NULL,
	"dim" text DEFAULT '' NOT NULL,
	"value" bigint NOT NULL,
	CONSTRAINT "ops_rollup_day_metric_bucket_dim_pk" PRIMARY KEY("metric","bucket","dim")
);
--> statement-breakpoint
-- The days of the hours already kept (#18): the week's and month's tiles read whole days from here from now on.
INSERT INTO "ops_rollup_day" ("bucket", "metric", "dim", "value")
SELECT date_trunc('day', "bucket", 'UTC'), "metric", "dim", sum("value") FROM "ops_rollup_hour" GROUP BY 1, 2, 3;
