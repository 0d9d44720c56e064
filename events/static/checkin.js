// The camera scanner of the check-in pages. Only where the browser has BarcodeDetector (Chrome and Edge on
// Android, Safari 17+): it reads a QR code and opens its scan page, where the organiser taps "Check in".
// Without it, or without a camera, the pages work as they are: search by name, or type the code.
(function () {
  "use strict";

  var SCAN_PATH = "/organiser/check-in/scan";

  function scanTarget(raw) {
    // A participant's QR code holds {base}/organiser/check-in/scan?code=…; a code typed into another QR is the
    // code itself. Only ever go to this site's own scan page.
    try {
      var url = new URL(raw, window.location.origin);
      var code = url.searchParams.get("code");
      if (url.pathname === SCAN_PATH && code) {
        return SCAN_PATH + "?code=" + encodeURIComponent(code);
      }
    } catch (error) {
      // not a URL: treat it as a bare code
    }
    return SCAN_PATH + "?code=" + encodeURIComponent(raw.trim());
  }

  function start(box) {
    var button = box.querySelector("[data-scan-start]");
    var video = box.querySelector("[data-scan-video]");
    var status = box.querySelector("[data-scan-status]");
    var startLabel = button.textContent;
    var stream = null;
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });

    function stop() {
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }
      stream = null;
      video.hidden = true;
      button.textContent = startLabel;
    }

    function look() {
      if (!stream) {
        return;
      }
      detector.detect(video).then(function (codes) {
        if (codes.length && codes[0].rawValue) {
          stop();
          window.location.assign(scanTarget(codes[0].rawValue));
          return;
        }
        window.setTimeout(look, 200);
      }, function () {
        window.setTimeout(look, 400);
      });
    }

    button.addEventListener("click", function () {
      if (stream) {
        stop();
        status.textContent = "";
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        button.textContent = box.dataset.stop;
        status.textContent = box.dataset.point;
        return video.play().then(look);
      }).catch(function () {
        stop();
        status.textContent = box.dataset.failed;
      });
    });
    box.hidden = false;
  }

  function ready() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return;
    }
    window.BarcodeDetector.getSupportedFormats().then(function (formats) {
      if (formats.indexOf("qr_code") === -1) {
        return;
      }
      document.querySelectorAll("[data-scanner]").forEach(start);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
