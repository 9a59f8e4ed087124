/* Preview of a chosen photo and its size before sending, without inline script.
 * <input type="file" data-preview data-max-mb="5" id="X"> shows the image in
 * <img data-preview-for="X"> and the size in <p data-preview-info-for="X">.
 * The server checks the file again (format, size); this only saves a wasted upload. */
(function () {
  "use strict";
  function formatSize(bytes) {
    var mb = bytes / (1024 * 1024);
    if (mb >= 1) { return mb.toFixed(1).replace(".", ",") + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)) + " KB";
  }
  var ACCEPTED = ["image/jpeg", "image/png", "image/webp"];
  document.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
    var img = document.querySelector('img[data-preview-for="' + input.id + '"]');
    var info = document.querySelector('[data-preview-info-for="' + input.id + '"]');
    var maxMb = parseFloat(input.getAttribute("data-max-mb") || "5");
    var url = null;
    input.addEventListener("change", function () {
      if (url) { URL.revokeObjectURL(url); url = null; }
      var file = input.files && input.files[0];
      if (!file) {
        if (img) { img.classList.add("d-none"); img.removeAttribute("src"); }
        if (info) { info.textContent = ""; }
        return;
      }
      var problems = [];
      if (file.size > maxMb * 1024 * 1024) {
        problems.push("terlalu besar (maks. " + maxMb + " MB)");
      }
      if (ACCEPTED.indexOf(file.type) === -1) {
        problems.push("bukan JPEG, PNG atau WebP");
      }
      if (info) {
        info.textContent = file.name + " · " + formatSize(file.size) +
          (problems.length ? " · " + problems.join(", ") : "");
        info.classList.toggle("text-danger", problems.length > 0);
      }
      if (img && ACCEPTED.indexOf(file.type) !== -1) {
        url = URL.createObjectURL(file);
        img.src = url;
        img.classList.remove("d-none");
      } else if (img) {
        img.classList.add("d-none");
        img.removeAttribute("src");
      }
    });
  });
})();
