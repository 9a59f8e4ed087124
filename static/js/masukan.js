/* Public feedback (issue 17): the form is sent without leaving the page and the thank-you
 * takes its place, where the sender is looking (on a phone the page used to jump thousands
 * of pixels down, with the thanks at the top out of view, so people sent again). Refusals
 * (a field to correct, too fast, too many) come back as the server's page, as without
 * JavaScript. Loaded once per page even when several forms include it. */
(function () {
  "use strict";
  if (window.kotakuMasukan) { return; }
  window.kotakuMasukan = true;
  function setup() {
    document.querySelectorAll("form[data-masukan]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.fetch || !window.FormData) { return; }
        event.preventDefault();
        if (form.hasAttribute("data-mengirim")) { return; }
        form.setAttribute("data-mengirim", "");
        var button = form.querySelector("[type=submit]");
        if (button) { button.disabled = true; button.textContent = "Mengirim…"; }
        fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"})
          .then(function (response) {
            if (response.redirected && response.url.indexOf("masukan=terkirim") !== -1) {
              var template = document.getElementById("masukan-terima-kasih");
              var place = form.closest("details") || form;
              var box = template.content.firstElementChild.cloneNode(true);
              place.replaceWith(box);
              box.focus();
              return null;
            }
            return response.text().then(function (html) {
              document.open();
              document.write(html);
              document.close();
            });
          })
          .catch(function () {
            form.removeAttribute("data-mengirim");
            if (button) { button.disabled = false; button.textContent = "Kirim masukan"; }
            form.submit();  // no connection: the browser's own send shows what happened
          });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else { setup(); }
})();
