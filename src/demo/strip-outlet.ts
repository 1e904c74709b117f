import { record, type RecordDraft } from '../protocol/index.ts';
import { TRIP } from '../protocol/records.ts';
import type { OutletLoad } from './outlet-loads.ts';

/** One meter reading in wire units: 0.01 V, mA, 0.1 W. */
export interface OutletReading {
  readonly voltage: number;
  readonly current: number;
  readonly power: number;
}

/** Settings of an outlet that a COMMAND may set and a RESULT echoes (records 0x54-0x56, wire units). */
export interface OutletSettings {
  /** 0 off, 1 on, 2 as it was (after a power loss). */
  powerOnState: number;
  /** mA; 0 = no limit. */
  currentLimit: number;
  /** 0.01 %RH; 0 = no limit (the demo strip has no humidity sensor, so it is only stored). */
  humidityLimit: number;
}

/**
 * One outlet of the simulated strip: relay, meter, energy counter and the
 * over-current rule, as the socket firmware's `channel.py` keeps them.
 * Energy is integrated in Wh and reported as whole Wh, so it never goes backwards.
 */
export class StripOutlet {
  readonly number: number;
  readonly load: OutletLoad;
  readonly settings: OutletSettings = { powerOnState: 0, currentLimit: 0, humidityLimit: 0 };
  on = false;
  /** s the relay has been closed; reset when it closes. */
  onS = 0;
  /** Energy since the node's first boot, Wh (fractional; whole Wh are reported). */
  energyWh: number;
  reading: OutletReading | undefined;
  /** Power in the last report, 0.1 W (for the firmware's report-on-a-step rule). */
  reportedPower: number | undefined;
  /** When an auto-off opens the relay, s of simulated time. */
  offAtS: number | undefined;
  /** Active trip code (0x15), 0 none. */
  trip: number = TRIP.CLEARED;
  /** A trip code (or 0 = cleared) not reported yet. */
  tripNews: number | undefined;
  /** Relay changed since the last report. */
  switched = false;
  private over = 0;

  constructor(number: number, load: OutletLoad, energyWh = 0) {
    this.number = number;
    this.load = load;
    this.energyWh = energyWh;
  }

  /** Sets the relay; a relay-on clears an over-current trip, a relay-off cancels the auto-off. */
  switch(on: boolean): void {
    if (on && this.trip === TRIP.OVER_CURRENT) this.setTrip(TRIP.CLEARED);
    if (on !== this.on) {
      this.switched = true;
      if (on) this.onS = 0;
    }
    this.on = on;
    if (!on) this.offAtS = undefined;
  }

  /**
   * One meter reading over `dtS` s at `mainsV` V: the load's power while on
   * (0 while off), energy, then the over-current rule (above the limit for two
   * readings in a row opens the relay, trip 1).
   */
  measure(dtS: number, mainsV: number, dayFraction: number, random: () => number): void {
    const watts = this.on ? Math.max(0, this.load.step({ dtS, onS: this.onS, dayFraction, random })) : 0;
    if (this.on) this.onS += dtS;
    const volts = mainsV + (random() - 0.5) * 0.4;
    const amps = watts / (volts * this.load.powerFactor);
    this.energyWh += (watts * dtS) / 3600;
    this.reading = { voltage: Math.round(volts * 100), current: Math.round(amps * 1000), power: Math.round(watts * 10) };
    const limit = this.settings.currentLimit;
    if (limit > 0 && this.reading.current > limit) {
      this.over += 1;
      if (this.over >= 2 && this.on) {
        this.switch(false);
        this.setTrip(TRIP.OVER_CURRENT);
      }
    } else {
      this.over = 0;
    }
  }

  /** True when the power moved by more than `share` of the last reported power and at least `floorW` W. */
  powerStep(share: number, floorW: number): boolean {
    if (this.reading === undefined || this.reportedPower === undefined) return false;
    return Math.abs(this.reading.power - this.reportedPower) > Math.max(share * Math.abs(this.reportedPower), floorW * 10);
  }

  /** REPORT records: channel, voltage, current, power, energy, relay, trip (when active or just cleared). */
  reportRecords(): RecordDraft[] {
    const out = [record('channel', this.number)];
    const r = this.reading;
    if (r) out.push(record('voltage', r.voltage), record('current', r.current), record('power', r.power));
    out.push(record('energy', Math.floor(this.energyWh)), record('relay', this.on ? 1 : 0));
    if (this.trip !== TRIP.CLEARED || this.tripNews !== undefined) out.push(record('trip', this.trip));
    return out;
  }

  /** HELLO records: channel, power-on state and limits. */
  helloRecords(): RecordDraft[] {
    return [record('channel', this.number), ...this.settingRecords()];
  }

  /** RESULT records of the state after a command: channel, relay, trip (when active or news), with `settings` also 0x54-0x56. */
  stateRecords(settings: boolean): RecordDraft[] {
    const out = [record('channel', this.number), record('relay', this.on ? 1 : 0)];
    if (this.trip !== TRIP.CLEARED || this.tripNews !== undefined) out.push(record('trip', this.trip));
    return settings ? [...out, ...this.settingRecords()] : out;
  }

  /** After a report went out: nothing is news any more. */
  reported(): void {
    this.switched = false;
    this.tripNews = undefined;
    this.reportedPower = this.reading?.power;
  }

  private settingRecords(): RecordDraft[] {
    const s = this.settings;
    return [record('powerOnState', s.powerOnState), record('currentLimit', s.currentLimit), record('humidityLimit', s.humidityLimit)];
  }

  private setTrip(code: number): void {
    this.trip = code;
    this.tripNews = code;
  }
}
