/** A room's temperature over the day: a sine around `meanC`, coldest at 05:00, °C. */
export interface RoomHistory { mac: string; room: string; meanC: number; swingC: number }

/** One outlet's power over the day, W, from the hour of the day (0..24); its energy counter ends at `energyNowWh`. */
export interface OutletHistory { mac: string; room: string; channel: number; powerAt: (hour: number) => number; energyNowWh: number }

/** Seeded points are this far apart, ms. */
export const SEED_STEP_MS = 5 * 60_000;

const HOUR_MS = 3600_000;
const hourOf = (ms: number): number => (ms % (24 * HOUR_MS)) / HOUR_MS;
const ns = (ms: number): string => `${ms}000000`;

/**
 * The last 24 h before `nowMs` (ending one step before it, where the live
 * readings start) as InfluxDB line protocol with the gateway's measurements
 * and tags (`environment` temperature, `power` power and energy per channel;
 * gateway, node as `a2:b2:…`, room, channel). The energy counter of each outlet
 * is the integral of its power, so "today" on the page adds up.
 */
export function historyLines(gateway: string, nowMs: number, rooms: RoomHistory[], outlets: OutletHistory[]): string[] {
  const times: number[] = [];
  for (let t = nowMs - 24 * HOUR_MS; t < nowMs - SEED_STEP_MS; t += SEED_STEP_MS) times.push(t - (t % SEED_STEP_MS));
  const lines: string[] = [];
  const tags = (mac: string, room: string): string => `gateway=${gateway},node=${mac},room=${room.replaceAll(' ', '\\ ')}`;
  for (const r of rooms) {
    for (const t of times) {
      const celsius = r.meanC - r.swingC * Math.cos(((hourOf(t) - 5) / 24) * 2 * Math.PI);
      lines.push(`environment,${tags(r.mac, r.room)} temperature=${celsius.toFixed(2)} ${ns(t)}`);
    }
  }
  for (const o of outlets) {
    let energyWh = o.energyNowWh;
    const backwards: string[] = [];
    for (let i = times.length - 1; i >= 0; i--) {
      const watts = o.powerAt(hourOf(times[i]));
      energyWh -= (watts * SEED_STEP_MS) / HOUR_MS;
      backwards.push(`power,${tags(o.mac, o.room)},channel=${o.channel} power=${watts.toFixed(1)},energy=${Math.max(0, energyWh).toFixed(0)} ${ns(times[i])}`);
    }
    lines.push(...backwards.reverse());
  }
  return lines;
}

/** Writes `lines` to VictoriaMetrics' InfluxDB endpoint (`POST /write`). */
export async function seedHistory(vmUrl: string, lines: string[]): Promise<void> {
  const res = await fetch(`${vmUrl}/write`, { method: 'POST', body: `${lines.join('\n')}\n` });
  if (!res.ok) throw new Error(`seeding history into ${vmUrl}: HTTP ${res.status} ${await res.text()}`);
}
