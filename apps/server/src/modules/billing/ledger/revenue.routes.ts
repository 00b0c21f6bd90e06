import { dateRangeQuerySchema } from '@tutorline/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RevenueReportService } from './revenue.service';

const csvType = 'text/csv; charset=utf-8';

/** Admins' revenue report (JSON or CSV). */
export async function revenueRoutes(fastify: FastifyInstance, opts: { revenue: RevenueReportService }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/billing/revenue', {
    config: { access: ['finance'] },
    schema: { tags: ['billing'], summary: 'Revenue by month (UTC) and currency: received, refunded, revenue, commission, tutor earnings; ?format=csv', querystring: dateRangeQuerySchema },
    handler: async (request, reply) => {
      const report = await opts.revenue.revenue(request.query);
      if (request.query.format === 'csv') {
        return reply.type(csvType).header('content-disposition', `attachment; filename="revenue-${report.from}-${report.to}.csv"`).send(opts.revenue.revenueCsv(report));
      }
      return report;
    },
  });
}
