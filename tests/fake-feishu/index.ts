export { startFakeFeishu, type FakeFeishu } from './server.js';
export type { InjectionHandle } from './faults.js';
export { FakeWs, SERVICE_ID, type ReceivedFrame } from './ws.js';
export { decodeFrame, encodeFrame, type Frame } from './frame.js';
export * from './sign.js';
export * from './types.js';
export type { FakeApprovalCenter, CenterInstanceView, CenterTaskView } from './approval-center.js';
export type { FakeCalendarEvent } from './calendar-routes.js';
export { FAKE_PRIMARY_CALENDAR } from './calendar-routes.js';
