/** CloudTrail events as EventBridge delivers them (test/fixtures/cloudtrail/*.json). */
import { readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";

export const CLOUDTRAIL_FIXTURES = path.join(__dirname, "..", "fixtures", "cloudtrail");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TrailEvent = Record<string, any>;

export function trailEvent(name: string): TrailEvent {
  return JSON.parse(readFileSync(path.join(CLOUDTRAIL_FIXTURES, `${name}.json`), "utf8"));
}

export function trailFixtureNames(): string[] {
  return readdirSync(CLOUDTRAIL_FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""));
}

/** A copy of a fixture as a different call: new event id and time, detail fields replaced. */
export function variant(name: string, eventId: string, detail: TrailEvent = {}): TrailEvent {
  const e = trailEvent(name);
  return { ...e, id: `eb-${eventId}`, detail: { ...e.detail, eventID: eventId, ...detail } };
}
