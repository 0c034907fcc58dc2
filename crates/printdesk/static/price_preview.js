// The price preview (试算) of the product edit page, live as you type. The panel is a GET form
// that works without this file; here each change is debounced 250 ms and posted as JSON to
// /api/v1/prices/preview with the page's CSRF token, and the result and its explanation replace
// the panel's result. Nothing is saved. No libraries.

const form = document.getElementById("preview-form");
const result = document.getElementById("preview-result");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

function value(name) {
  const field = form.elements.namedItem(name);
  if (!field) return undefined;
  if (field.type === "checkbox") return field.checked;
  return field.value.trim();
}

function body() {
  const request = { product_id: Number(form.dataset.productId), quantity: value("quantity") ?? "" };
  for (const name of ["width", "height", "dimension_unit", "pages", "unit_price"]) {
    const text = value(name);
    if (text !== undefined && text !== "") request[name] = text;
  }
  const sides = value("sides");
  if (sides) request.sides = Number(sides);
  const colour = value("colour");
  if (colour !== undefined) request.colour = colour;
  return request;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function row(label, text) {
  const tr = document.createElement("tr");
  const th = document.createElement("th");
  th.textContent = label;
  tr.append(th, cell(text, "num"));
  return tr;
}

function clearErrors() {
  for (const span of form.querySelectorAll(".field-error[data-field]")) span.textContent = "";
}

function showErrors(errors) {
  result.replaceChildren();
  for (const error of errors) {
    const span = form.querySelector(`.field-error[data-field="${CSS.escape(error.field)}"]`);
    if (span) {
      span.textContent = error.message;
    } else {
      const p = document.createElement("p");
      p.className = "notice bad";
      p.setAttribute("role", "alert");
      p.textContent = error.message;
      result.append(p);
    }
  }
}

function showResult(preview) {
  const labels = result.dataset;
  const table = document.createElement("table");
  table.className = "list";
  table.id = "preview-figures";
  const tbody = document.createElement("tbody");
  tbody.append(
    row(labels.billable ?? "计价数量", preview.billable_quantity),
    row(labels.unitPrice ?? "单价", preview.unit_price),
    row(labels.amount ?? "金额", preview.amount),
  );
  for (const process of preview.processes) {
    tbody.append(row(process.name, `${process.quantity} × ${process.unit_price} = ${process.amount}`));
  }
  if (preview.paper_sheets) tbody.append(row(labels.paper ?? "用纸", preview.paper_sheets));
  tbody.append(row(labels.total ?? "合计", preview.total));
  table.append(tbody);
  const list = document.createElement("ol");
  list.className = "muted";
  list.id = "preview-explanation";
  for (const line of preview.explanation) {
    const li = document.createElement("li");
    li.textContent = line;
    list.append(li);
  }
  result.replaceChildren(table, list);
}

let timer = 0;
let latest = 0;

async function run() {
  const ticket = ++latest;
  let response;
  try {
    response = await fetch("/api/v1/prices/preview", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body()),
      credentials: "same-origin",
    });
  } catch {
    return; // Offline: the 试算 button still works.
  }
  if (ticket !== latest) return; // A newer request is on its way.
  const data = await response.json().catch(() => null);
  clearErrors();
  if (response.ok && data) {
    showResult(data);
  } else if (data?.errors) {
    showErrors(data.errors);
  }
}

if (form && result) {
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("change", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  form.addEventListener("submit", (event) => {
    // Handled here: app.js would otherwise mark the form submitted and disable its button.
    event.preventDefault();
    event.stopPropagation();
    clearTimeout(timer);
    run();
  });
}
