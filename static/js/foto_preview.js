/* Photos built for phones (issue 17), without inline script.
 *
 * <input type="file" data-preview data-max-mb="5" id="X"> in a form:
 * - the chosen photo is shrunk on the phone before it is sent: at most 2000 px on its longer
 *   side, re-encoded as JPEG (canvas), so a 12 MB camera photo travels as a few hundred KB;
 * - its size is shown before and after (<p data-preview-info-for="X">) with a preview
 *   (<img data-preview-for="X">);
 * - what the server would refuse is refused here, before any upload: not a JPEG, PNG or WebP,
 *   unreadable, still over the size limit after shrinking (the field is emptied, the reason
 *   stays on screen);
 * - the form is then sent with a progress bar (<div data-unggah-progres>); the answer
 *   replaces the page as a normal submit would.
 * The server checks everything again (format, size, resolution): this only spares a
 * facilitator a wasted upload on a weak connection. Without canvas support the original file
 * is sent as before. */
(function () {
  "use strict";
  var MAX_SIDE = 2000;
  var QUALITY = 0.85;
  var ACCEPTED = ["image/jpeg", "image/png", "image/webp"];
  // Beyond this a phone should not even try to decode the picture.
  var MAX_PIXELS = 100000000;

  function formatSize(bytes) {
    var mb = bytes / (1024 * 1024);
    if (mb >= 1) { return mb.toFixed(1).replace(".", ",") + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }

  function setFile(input, file) {
    try {
      var dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      return true;
    } catch (e) { return false; }
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return window.createImageBitmap(file, {imageOrientation: "from-image"}).catch(function () {
        return window.createImageBitmap(file);
      });
    }
    return Promise.reject(new Error("no createImageBitmap"));
  }

  function shrink(bitmap) {
    var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    var w = Math.max(1, Math.round(bitmap.width * scale));
    var h = Math.max(1, Math.round(bitmap.height * scale));
    var canvas = document.createElement("canvas");
    canvas.width = w;
    canvas.height = h;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";  // a transparent PNG becomes a JPEG on white
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0, w, h);
    return new Promise(function (resolve, reject) {
      canvas.toBlob(function (blob) {
        if (blob) { resolve({blob: blob, width: w, height: h}); } else { reject(new Error("toBlob")); }
      }, "image/jpeg", QUALITY);
    });
  }

  document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
    var img = document.querySelector('img[data-preview-for="' + input.id + '"]');
    var info = document.querySelector('[data-preview-info-for="' + input.id + '"]');
    var maxMb = parseFloat(input.getAttribute("data-max-mb") || "5");
    var url = null;
    var busy = false;

    function show(text, bad) {
      if (!info) { return; }
      info.textContent = text;
      info.classList.toggle("text-danger", !!bad);
    }

    function preview(file) {
      if (url) { URL.revokeObjectURL(url); url = null; }
      if (!img) { return; }
      if (file) {
        url = URL.createObjectURL(file);
        img.src = url;
        img.classList.remove("d-none");
      } else {
        img.classList.add("d-none");
        img.removeAttribute("src");
      }
    }

    function refuse(file, reason) {
      input.value = "";
      preview(null);
      show(file.name + " · " + formatSize(file.size) + " · tidak dikirim: " + reason + ".", true);
    }

    input.addEventListener("change", function () {
      if (busy) { return; }
      var file = input.files && input.files[0];
      if (!file) { preview(null); show("", false); return; }
      if (input.hasAttribute("data-diperkecil") && file.name === input.getAttribute("data-diperkecil")) {
        return;  // our own replacement of the file
      }
      if (ACCEPTED.indexOf(file.type) === -1) {
        refuse(file, "bukan foto JPEG, PNG atau WebP");
        return;
      }
      busy = true;
      input.setAttribute("data-foto-proses", "");
      show(file.name + " · " + formatSize(file.size) + " · memperkecil foto…", false);
      decode(file).then(function (bitmap) {
        var asli = bitmap.width + " × " + bitmap.height + " px";
        if (bitmap.width * bitmap.height > MAX_PIXELS) {
          throw {alasan: "resolusi terlalu besar (" + asli + ")"};
        }
        if (Math.max(bitmap.width, bitmap.height) <= MAX_SIDE && file.size <= 1024 * 1024) {
          return {file: file, text: file.name + " · " + formatSize(file.size) + " · " + asli};
        }
        return shrink(bitmap).then(function (out) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          var small = new File([out.blob], name, {type: "image/jpeg", lastModified: Date.now()});
          if (!setFile(input, small)) { return {file: file, text: file.name + " · " + formatSize(file.size)}; }
          input.setAttribute("data-diperkecil", name);
          return {file: small, text: file.name + " · asli " + formatSize(file.size) + ", " + asli +
            " → dikirim " + formatSize(small.size) + ", " + out.width + " × " + out.height + " px"};
        });
      }).then(function (result) {
        if (result.file.size > maxMb * 1024 * 1024) {
          refuse(result.file, "masih lebih besar dari " + maxMb + " MB");
          return;
        }
        preview(result.file);
        show(result.text, false);
      }).catch(function (err) {
        refuse(file, (err && err.alasan) || "gambar tidak dapat dibaca");
      }).then(function () {
        busy = false;
        input.removeAttribute("data-foto-proses");
      });
    });
  });

  // Sending with a progress bar (forms with a photo field).
  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("input[type=file][data-preview]")) { return; }
    var bar = form.querySelector("[data-unggah-progres]");
    form.addEventListener("submit", function (event) {
      if (form.querySelector("[data-foto-proses]")) {
        event.preventDefault();  // still shrinking a photo: wait for it
        if (bar) {
          bar.classList.remove("d-none");
          bar.querySelector("[data-unggah-teks]").textContent = "Tunggu, foto sedang diperkecil…";
        }
        return;
      }
      var hasFile = Array.prototype.some.call(
        form.querySelectorAll("input[type=file]"), function (i) { return i.files && i.files.length; });
      if (!hasFile || !bar || !window.FormData || form.hasAttribute("data-mengirim")) { return; }
      // No connection: the browser's own send, which the service worker keeps in the
      // device's queue (static/js/sw.js).
      if (navigator.onLine === false) { return; }
      event.preventDefault();
      var data = new FormData(form);
      if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
      var total = 0;
      data.forEach(function (v) { total += (v && v.size) || String(v).length; });
      var meter = bar.querySelector("progress");
      var text = bar.querySelector("[data-unggah-teks]");
      bar.classList.remove("d-none");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.upload.addEventListener("progress", function (e) {
        var sent = e.loaded, all = e.lengthComputable ? e.total : total;
        if (meter) { meter.max = all; meter.value = sent; }
        text.textContent = "Mengunggah " + Math.min(100, Math.round(sent * 100 / Math.max(all, 1))) +
          "% (" + formatSize(sent) + " dari " + formatSize(all) + ")";
      });
      xhr.addEventListener("load", function () {
        text.textContent = "Terkirim, membuka halaman…";
        // The answer is the page a normal submit would show (the saved report, or the form
        // with its errors): show it in place of this one.
        var target = xhr.responseURL || window.location.href;
        document.open();
        document.write(xhr.responseText);
        document.close();
        if (target !== window.location.href) { window.history.replaceState(null, "", target); }
      });
      xhr.addEventListener("error", function () {
        // The connection dropped: the browser's own send, which the service worker keeps
        // in the device's queue when offline (the one-time token makes a repeat harmless);
        // without a service worker the input is still kept on the device (draf_formulir.js).
        text.textContent = "Gagal mengirim: tidak ada sambungan. Isian tetap tersimpan di perangkat; coba kirim lagi.";
        bar.classList.add("text-danger");
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          HTMLFormElement.prototype.submit.call(form);
          return;
        }
        form.removeAttribute("data-mengirim");
        form.removeAttribute("aria-busy");
        form.querySelectorAll("[type=submit]").forEach(function (b) {
          b.disabled = false;
          if (b.hasAttribute("data-label-asli")) { b.textContent = b.getAttribute("data-label-asli"); b.removeAttribute("data-label-asli"); }
        });
      });
      xhr.send(data);
      // portal.js's "Mengirim…" state (it skips prevented submits): set here.
      form.setAttribute("data-mengirim", "");
      form.querySelectorAll("[type=submit]").forEach(function (b) {
        if (b === event.submitter) { b.setAttribute("data-label-asli", b.textContent); b.textContent = "Mengirim…"; }
        b.disabled = true;
      });
    });
  });
})();
