/**
 * A Durable Object has one alarm. Setting it only ever earlier lets other jobs share it: each job,
 * run from `alarm()`, schedules its own next time the same way (upload expiry, document embedding).
 */
export async function alarmNoLaterThan(storage: DurableObjectStorage, time: number): Promise<void> {
  const current = await storage.getAlarm();
  if (current === null || current > time) await storage.setAlarm(time);
}
