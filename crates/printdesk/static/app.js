// PrintDesk's small progressive enhancements. Every page works without this file.
//
// - forms marked data-autosubmit submit when a select changes (account set, language);
// - a submitted form disables its buttons so a double click sends one request
//   (the server also refuses duplicates through the form nonce);
// - buttons with data-confirm ask before submitting;
// - [data-back] goes back in history;
// - Alt+N focuses the first "new" link of the page, Alt+S submits the main form, Alt+P opens the
//   page's print link (the production ticket on an order).

for (const form of document.querySelectorAll("form[data-autosubmit]")) {
  for (const select of form.querySelectorAll("select")) {
    select.addEventListener("change", () => form.requestSubmit());
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  const confirmText = event.submitter?.dataset.confirm ?? form.dataset.confirm;
  if (confirmText && !window.confirm(confirmText)) {
    event.preventDefault();
    return;
  }
  if (form.dataset.submitted === "1") {
    event.preventDefault();
    return;
  }
  form.dataset.submitted = "1";
  setTimeout(() => {
    for (const button of form.querySelectorAll("button[type=submit], button:not([type])")) {
      button.disabled = true;
    }
  }, 0);
});

for (const link of document.querySelectorAll("[data-back]")) {
  link.addEventListener("click", (event) => {
    if (history.length > 1) {
      event.preventDefault();
      history.back();
    }
  });
}

document.addEventListener("keydown", (event) => {
  if (!event.altKey) return;
  if (event.key === "n" || event.key === "N") {
    const link = document.querySelector("[data-shortcut=new]");
    if (link) {
      event.preventDefault();
      link.focus();
      link.click();
    }
  }
  if (event.key === "p" || event.key === "P") {
    const link = document.querySelector("[data-shortcut=print]");
    if (link) {
      event.preventDefault();
      link.click();
    }
  }
  if (event.key === "s" || event.key === "S") {
    const form = document.querySelector("form[data-main]");
    if (form) {
      event.preventDefault();
      form.requestSubmit();
    }
  }
});
