/* "Add a row" for Django formsets, without inline script.
 * A button with data-formset-add="<prefix>", data-formset-target="<container id>" and
 * data-formset-template="<template id>" clones the template (Django's empty_form, rendered
 * with __prefix__) into the container and increments <prefix>-TOTAL_FORMS.
 * Without JavaScript the form still works with its empty extra rows. */
(function () {
  "use strict";
  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var container = document.getElementById(button.getAttribute("data-formset-target"));
    var template = document.getElementById(button.getAttribute("data-formset-template"));
    if (!total || !container || !template) { return; }
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var wrapper = document.createElement("div");
      wrapper.innerHTML = html;
      var row = wrapper.firstElementChild;
      container.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("select, input:not([type=hidden])");
      if (first) { first.focus(); }
    });
  });
})();
