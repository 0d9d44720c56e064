// The event editor, a little better with JavaScript: while an organiser types the start and end, show the same
// moment on every twin city's clock (the server shows it after "Check the times" and after saving), and hide the
// time fields of an all-day event. Everything works without this file; the CSP allows no inline script.
(function () {
  "use strict";
  var form = document.querySelector("form.event-form[data-clocks]");
  if (!form || !window.Intl || !Intl.DateTimeFormat) return;
  var clocks = JSON.parse(form.dataset.clocks || "[]");
  var lang = form.dataset.lang || document.documentElement.lang || "en";
  var output = document.getElementById("clock-times");
  var field = function (name) { return form.elements.namedItem(name); };

  // Minutes east of UTC that `zone` is at the moment `utcMillis`.
  function offsetAt(utcMillis, zone) {
    var parts = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    }).formatToParts(new Date(utcMillis));
    var get = function (type) { return Number(parts.find(function (p) { return p.type === type; }).value); };
    var asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
    return (asUtc - utcMillis) / 60000;
  }

  // The moment a wall-clock date and time in `zone` stands for (the first, when the clocks go back).
  function momentOf(dateText, timeText, zone) {
    var d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateText || "");
    var t = /^(\d{1,2}):(\d{2})/.exec(timeText || "");
    if (!d || !t) return null;
    var wall = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
    var guess = wall - offsetAt(wall, zone) * 60000;
    return wall - offsetAt(guess, zone) * 60000;
  }

  function describe(start, end, clock, withDate) {
    var options = { timeZone: clock.zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (withDate) { options.weekday = "short"; options.day = "numeric"; options.month = "long"; }
    var zoneName = new Intl.DateTimeFormat(lang, { timeZone: clock.zone, timeZoneName: "short" })
      .formatToParts(new Date(start)).find(function (p) { return p.type === "timeZoneName"; });
    var text = new Intl.DateTimeFormat(lang, options).format(new Date(start)) + "–" +
      new Intl.DateTimeFormat(lang, { timeZone: clock.zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .format(new Date(end));
    return text + " " + clock.label + (zoneName ? " (" + zoneName.value + ")" : "");
  }

  function update() {
    var allDay = field("all_day") && field("all_day").checked;
    form.querySelectorAll(".time-part").forEach(function (part) {
      if (part.closest("#start, #end")) part.hidden = allDay;
    });
    if (!output || allDay) return;
    var city = clocks.find(function (clock) { return clock.slug === (field("city") || {}).value; });
    if (!city) return;
    var zone = (field("timezone") && field("timezone").value) || city.zone;
    var start = momentOf(field("start_date").value, field("start_time").value, zone);
    var end = momentOf(field("end_date").value || field("start_date").value, field("end_time").value, zone);
    if (start === null || end === null || end <= start) return;
    var lines = [describe(start, end, { label: city.label, zone: zone }, true)];
    clocks.forEach(function (clock) {
      if (clock.slug !== city.slug) lines.push(describe(start, end, clock, false));
    });
    var list = document.createElement("ul");
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;
      list.appendChild(item);
    });
    var oldList = output.querySelector("ul");
    if (oldList) { oldList.replaceWith(list); } else {
      output.querySelectorAll("p.hint").forEach(function (hint) { hint.remove(); });
      output.appendChild(list);
    }
  }

  ["start_date", "start_time", "end_date", "end_time", "timezone", "city", "all_day"].forEach(function (name) {
    var element = field(name);
    if (element) { element.addEventListener("input", update); element.addEventListener("change", update); }
  });
  update();
})();
