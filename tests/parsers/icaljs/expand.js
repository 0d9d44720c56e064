// Reads an iCalendar file with Mozilla's ical.js (the parser of Thunderbird) and prints every occurrence of
// every VEVENT that overlaps a window, as JSON records (see tests/parsers/__init__.py):
//
//   node expand.js FILE WINDOW_START WINDOW_END      (ISO 8601 moments, e.g. 2025-01-01T00:00:00Z)
//
// Every time is computed by ical.js from the file's own VTIMEZONEs, which are registered with
// ICAL.TimezoneService before any value is read (ical.js resolves a TZID through the file first, then that
// service). Overrides (RECURRENCE-ID) are attached to their master with relateException, so the expansion
// (event.iterator() and getOccurrenceDetails()) gives moved occurrences at their new time and cancelled ones
// with their own STATUS. Run it with TZ=UTC so nothing can fall back on the machine's own zone.

import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// A series is followed this far past the window, so an occurrence moved into the window is still found.
const MARGIN_SECONDS = 400 * 24 * 3600;
const MAX_OCCURRENCES = 5000;

function moment(time) {
  if (time.isDate) {
    return time.toString(); // YYYY-MM-DD: a date is the same day everywhere
  }
  return time.toJSDate().toISOString().replace(/\.\d{3}Z$/, "Z");
}

// All-day occurrences are compared with the window as midnight UTC, as the Python side does.
function seconds(time) {
  if (time.isDate) {
    return Date.UTC(time.year, time.month - 1, time.day) / 1000;
  }
  return time.toUnixTime();
}

function text(component, name) {
  const value = component.getFirstPropertyValue(name);
  return value === null || value === undefined ? null : String(value);
}

function record(uid, recurrenceId, start, end, component) {
  return {
    uid,
    recurrence_id: recurrenceId ? moment(recurrenceId) : null,
    start: moment(start),
    end: moment(end),
    status: text(component, "status"),
    summary: text(component, "summary"),
    description: text(component, "description"),
    location: text(component, "location"),
  };
}

function main() {
  const [path, windowStart, windowEnd] = process.argv.slice(2);
  if (!path || !windowStart || !windowEnd) {
    process.stderr.write("usage: node expand.js FILE WINDOW_START WINDOW_END\n");
    process.exit(2);
  }
  const after = Date.parse(windowStart) / 1000;
  const before = Date.parse(windowEnd) / 1000;
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));

  for (const zone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }

  const masters = new Map();
  const overrides = new Map();
  for (const component of root.getAllSubcomponents("vevent")) {
    const uid = text(component, "uid");
    if (component.hasProperty("recurrence-id")) {
      if (!overrides.has(uid)) overrides.set(uid, []);
      overrides.get(uid).push(component);
    } else {
      if (masters.has(uid)) throw new Error(`two VEVENTs without RECURRENCE-ID have UID ${uid}`);
      masters.set(uid, component);
    }
  }

  const records = [];
  const overlaps = (start, end) => seconds(end) > after && seconds(start) < before;
  for (const [uid, component] of masters) {
    // Without the exceptions option ical.js relates every override in the calendar to the event, whatever its
    // UID (an ical.js quirk); giving this UID's own makes the constructor call relateException for each.
    const event = new ICAL.Event(component, { strictExceptions: true, exceptions: overrides.get(uid) || [] });
    if (!event.isRecurring()) {
      if (overlaps(event.startDate, event.endDate)) {
        records.push(record(uid, null, event.startDate, event.endDate, component));
      }
      continue;
    }
    const used = new Set();
    const expansion = event.iterator();
    let count = 0;
    for (let next = expansion.next(); next; next = expansion.next()) {
      if (++count > MAX_OCCURRENCES) throw new Error(`more than ${MAX_OCCURRENCES} occurrences in ${uid}`);
      if (seconds(next) >= before + MARGIN_SECONDS) break;
      const details = event.getOccurrenceDetails(next);
      if (details.item !== event) used.add(details.item.component);
      if (overlaps(details.startDate, details.endDate)) {
        records.push(record(uid, details.recurrenceId, details.startDate, details.endDate, details.item.component));
      }
    }
    overrides.set(uid, (overrides.get(uid) || []).filter((component) => !used.has(component)));
  }
  // An override that names no occurrence (or has no series) is still an event of its own.
  for (const [uid, components] of overrides) {
    for (const component of components) {
      const event = new ICAL.Event(component, { exceptions: [] });
      if (overlaps(event.startDate, event.endDate)) {
        records.push(record(uid, event.recurrenceId, event.startDate, event.endDate, component));
      }
    }
  }
  process.stdout.write(JSON.stringify(records) + "\n");
}

main();
