// A period picked from the list shows at once; without scripts the "Show" button does it.
document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
