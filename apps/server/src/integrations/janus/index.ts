export type { FeedRef, IceCandidate, Jsep, PeerId, Participant, RoomSpec, Sfu, SfuEvent, SfuFail, SfuResult, SfuStatus, SubscribedStream, Subscriber } from './sfu';
export { type JanusConfig, type JanusConfigOptions, writeJanusConfig } from './janus.config';
export { findExecutable, janusMissingReason, type JanusProcessOptions, JanusSupervisor } from './janus.process';
export { type SfuService, sfuModule, sfuOffReason } from './janus.install';
