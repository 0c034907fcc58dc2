// Keyboard-first order entry (新建订单). The form works without this file: 计算 re-prices on the
// server and 保存 saves. With it:
//
// - the customer box and each line's product box suggest as you type (customers by name, pinyin
//   initials or mobile; products by code, name or pinyin initials); ↑/↓ move, Enter picks, Esc
//   closes. Enter on an empty customer box is a walk-in order and jumps to the first line;
// - Enter moves to the next field of a line, and from a line's last field to the next line's
//   product (a fresh line is added when needed); Alt+L adds a line; Ctrl+Enter (or Alt+S, from
//   app.js) saves;
// - every change is priced on the server (POST /api/v1/orders/quote, debounced) and the line
//   totals, the order totals and any error appear as you type. Nothing is saved until 保存;
// - each line's 工序 row keeps its tick boxes in step with the product (see "processes" below).
//
// No libraries, no build step.

const form = document.getElementById("order-form");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const grid = document.querySelector("#order-lines tbody");
const totalsBox = document.getElementById("order-totals-live");
const labels = JSON.parse(form?.dataset.labels ?? "{}");

// Area-like products take a width and height; the rest start at the quantity.
const SIZED = new Set(["area", "length", "perimeter", "virtual_area"]);

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function getJson(url) {
  const res = await fetch(url, { headers: { accept: "application/json" } });
  return res.ok ? res.json() : [];
}

// --- suggestions -----------------------------------------------------------------------------

function suggest(input, search, render, pick) {
  const list = document.createElement("ul");
  list.className = "suggest";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("autocomplete", "off");
  input.insertAdjacentElement("afterend", list);
  let items = [];
  let active = -1;
  let asked = "";

  function show(found) {
    items = found;
    active = found.length ? 0 : -1;
    list.replaceChildren(
      ...found.map((item, i) => {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = render(item);
        li.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(i);
        });
        return li;
      }),
    );
    mark();
    list.hidden = found.length === 0;
  }

  function mark() {
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
  }

  function close() {
    list.hidden = true;
    items = [];
    active = -1;
  }

  function choose(i) {
    const item = items[i];
    close();
    if (item) pick(item);
  }

  const ask = debounce(async () => {
    const q = input.value.trim();
    asked = q;
    if (!q) return close();
    const found = await search(q);
    if (asked === q && document.activeElement === input) show(found.slice(0, 10));
  }, 120);

  input.addEventListener("input", ask);
  input.addEventListener("blur", () => setTimeout(close, 100));
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + items.length) % items.length;
      mark();
    } else if (event.key === "Enter") {
      event.preventDefault();
      event.stopImmediatePropagation();
      choose(active);
    } else if (event.key === "Escape") {
      close();
    }
  });
}

// --- the grid --------------------------------------------------------------------------------

function rows() {
  return [...grid.querySelectorAll("tr[data-line]")];
}

function fieldsOf(row) {
  return [...row.querySelectorAll("input:not([type=hidden]), select")];
}

function addRow() {
  const last = rows().at(-1);
  const lastProcesses = processRow(last);
  const index = Number(last.dataset.line) + 1;
  const row = last.cloneNode(true);
  row.dataset.line = String(index);
  row.querySelector("td.num").textContent = String(index + 1);
  for (const field of row.querySelectorAll("[name]")) {
    field.name = field.name.replace(/^lines\[\d+\]/, `lines[${index}]`);
    if (field.tagName === "SELECT") field.selectedIndex = 0;
    else field.value = "";
    field.removeAttribute("aria-invalid");
    const label = field.getAttribute("aria-label");
    if (label) field.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
  }
  for (const extra of row.querySelectorAll(".muted, details, ul.suggest, .field-error")) {
    if (extra.classList.contains("field-error")) extra.textContent = "";
    else extra.remove();
  }
  row.querySelector("td.line-total").textContent = "";
  grid.append(row);
  if (lastProcesses) {
    const processes = lastProcesses.cloneNode(true);
    processes.dataset.processesOf = String(index);
    for (const field of processes.querySelectorAll("[name]")) {
      field.name = field.name.replace(/^lines\[\d+\]/, `lines[${index}]`);
      if (field.type === "checkbox") field.checked = false;
      else field.value = "";
    }
    processes.querySelector("details")?.removeAttribute("open");
    const choices = processes.querySelector("fieldset");
    const label = choices?.getAttribute("aria-label");
    if (label) choices.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1)));
    processes.querySelector(".field-error").textContent = "";
    grid.append(processes);
  }
  wireRow(row);
  showProcessSummary(row);
  return row;
}

function productBox(row) {
  return row.querySelector("input.product-code");
}

// --- processes (工序) ------------------------------------------------------------------------
//
// Under each line, a row of tick boxes (the shop's processes) and a hidden `processes_for`: the
// product code the ticks belong to. The server takes the ticks as the line's processes while the
// line still holds that product, even when none is ticked ("no process"); otherwise the product's
// default processes apply (`chosen_processes` in pages.rs; the same rule is in
// `chosenProcesses`). Here, ticking a box records the product; typing another product clears the
// ticks, and the next quote ticks the new product's defaults.

function processRow(row) {
  const next = row.nextElementSibling;
  return next?.classList.contains("line-processes") ? next : null;
}

function processBoxes(row) {
  return [...(processRow(row)?.querySelectorAll("input[type=checkbox]") ?? [])];
}

function processesFor(row) {
  return processRow(row)?.querySelector("input[name$='[processes_for]']") ?? null;
}

function sameCode(a, b) {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

// The process ids chosen for the line, or null for the product's defaults.
function chosenProcesses(row) {
  const ticked = processBoxes(row)
    .filter((box) => box.checked)
    .map((box) => Number(box.value));
  const madeFor = processesFor(row)?.value.trim() ?? "";
  if (!madeFor) return ticked.length ? ticked : null;
  return sameCode(madeFor, productBox(row).value) ? ticked : null;
}

function showProcessSummary(row) {
  const summary = processRow(row)?.querySelector(".processes-summary");
  if (!summary) return;
  const chosen = chosenProcesses(row);
  const names = processBoxes(row)
    .filter((box) => box.checked)
    .map((box) => box.nextElementSibling?.firstChild?.textContent?.trim() ?? "");
  if (chosen === null) summary.textContent = labels.processes_default ?? "";
  else summary.textContent = names.length ? names.join("、") : (labels.processes_none ?? "");
}

// Ticks the processes a quote priced the line with, for a line whose processes nobody chose.
function tickPriced(row, code, processes) {
  if (chosenProcesses(row) !== null || !sameCode(code, productBox(row).value)) return;
  const ids = new Set(processes.map((p) => p.process_id));
  for (const box of processBoxes(row)) box.checked = ids.has(Number(box.value));
  const madeFor = processesFor(row);
  if (madeFor) madeFor.value = productBox(row).value.trim();
  showProcessSummary(row);
}

function wireProcesses(row) {
  const box = productBox(row);
  box.addEventListener("input", () => {
    const madeFor = processesFor(row);
    // Ticks made before any product was typed stay; ticks of another product go.
    if (!madeFor?.value.trim() || sameCode(madeFor.value, box.value)) return;
    for (const tick of processBoxes(row)) tick.checked = false;
    madeFor.value = "";
    showProcessSummary(row);
  });
  for (const tick of processBoxes(row)) {
    tick.addEventListener("change", () => {
      const madeFor = processesFor(row);
      if (madeFor) madeFor.value = box.value.trim();
      showProcessSummary(row);
    });
  }
}

function wireRow(row) {
  const box = productBox(row);
  wireProcesses(row);
  suggest(
    box,
    (q) => getJson(`/api/v1/products/search?q=${encodeURIComponent(q)}`),
    (p) => `${p.code}  ${p.name}  ${p.list_price}/${p.unit}`,
    (p) => {
      box.value = p.code;
      row.dataset.mode = p.pricing_mode;
      const name = row.querySelector(".product-name") ?? document.createElement("div");
      name.className = "muted product-name";
      name.textContent = p.name;
      box.parentElement.append(name);
      const next = row.querySelector(
        SIZED.has(p.pricing_mode) ? "input[name$='[width]']" : "input[name$='[quantity]']",
      );
      next?.focus();
      next?.select();
      reprice();
    },
  );
}

// Enter walks the grid like Tab and never submits the form half-filled.
form?.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit(document.getElementById("save"));
    return;
  }
  if (event.altKey && (event.key === "l" || event.key === "L")) {
    event.preventDefault();
    productBox(addRow()).focus();
    return;
  }
  if (event.key !== "Enter" || event.defaultPrevented) return;
  const target = event.target;
  // Enter on a <summary> opens its details (计价说明, 工序).
  if (["BUTTON", "TEXTAREA", "SUMMARY"].includes(target.tagName)) return;
  event.preventDefault();
  const row = target.closest("tr[data-line]");
  if (target.id === "customer_q" && target.value.trim() === "") {
    document.getElementById("customer_id").value = "";
    productBox(rows()[0]).focus();
    return;
  }
  if (!row) {
    const all = [...form.querySelectorAll("input:not([type=hidden]), select")];
    all[all.indexOf(target) + 1]?.focus();
    return;
  }
  const fields = fieldsOf(row);
  const at = fields.indexOf(target);
  // Skip the size fields of products that have none.
  let next = fields[at + 1];
  const skip = (field) =>
    (!SIZED.has(row.dataset.mode ?? "area") && /\[(width|height)\]$/.test(field.name)) ||
    (row.dataset.mode !== "sheet" && /\[pages\]$/.test(field.name));
  while (next && skip(next)) {
    next = fields[fields.indexOf(next) + 1];
  }
  if (next && !/\[(sides|colour|unit_price|amount|override_reason|remarks)\]$/.test(next.name)) {
    next.focus();
    next.select?.();
    return;
  }
  // The rest of the line is optional: go on to the next line.
  const rowsNow = rows();
  const following = rowsNow[rowsNow.indexOf(row) + 1] ?? addRow();
  productBox(following).focus();
});

// --- customer --------------------------------------------------------------------------------

const customerBox = document.getElementById("customer_q");
if (customerBox) {
  suggest(
    customerBox,
    (q) => getJson(`/api/v1/customers/search?q=${encodeURIComponent(q)}`),
    (c) => [c.name, c.contact_person, c.contact_mobile].filter(Boolean).join("  "),
    (c) => {
      customerBox.value = c.name;
      document.getElementById("customer_id").value = String(c.id);
      productBox(rows()[0]).focus();
      reprice();
    },
  );
  customerBox.addEventListener("input", () => {
    document.getElementById("customer_id").value = "";
  });
}

// --- live pricing ----------------------------------------------------------------------------

function text(name) {
  return form.elements.namedItem(name)?.value?.trim() ?? "";
}

function body() {
  const lines = rows().map((row) => {
    const get = (field) => row.querySelector(`[name$='[${field}]']`)?.value?.trim() ?? "";
    const line = {
      product_code: get("product_code"),
      width: get("width"),
      height: get("height"),
      dimension_unit: get("dimension_unit"),
      quantity: get("quantity"),
      pages: get("pages"),
      sides: get("sides"),
      colour: get("colour") === "1",
      unit_price: get("unit_price"),
      amount: get("amount"),
      override_reason: get("override_reason"),
    };
    const processes = chosenProcesses(row);
    if (processes !== null) line.process_ids = processes;
    return line;
  });
  const id = (name) => (text(name) ? Number(text(name)) : null);
  return {
    customer_id: id("customer_id"),
    walk_in_name: text("walk_in_name"),
    walk_in_mobile: text("walk_in_mobile"),
    category_id: id("category_id"),
    delivery_method_id: id("delivery_method_id"),
    due_at: text("due_at").replace("T", " "),
    tag_ids: [...form.querySelectorAll("input[name=tag_ids]:checked")].map((t) => Number(t.value)),
    discount: text("discount"),
    tax_rate: text("tax_rate"),
    lines,
  };
}

function showErrors(errors) {
  for (const span of form.querySelectorAll(".field-error")) span.textContent = "";
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  const all = rows();
  for (const { field, message } of errors) {
    const m = /^lines\[(\d+)\]\.(\w+)$/.exec(field);
    let input;
    if (m && m[2] === "process_ids") {
      // Under the line, with its tick boxes opened.
      const line = all[Number(m[1])];
      const processes = line ? processRow(line) : null;
      processes?.querySelector("details")?.setAttribute("open", "");
      const span = processes?.querySelector(".field-error");
      if (span) span.textContent = message;
      continue;
    }
    if (m) {
      const name = m[2] === "product" ? "product_code" : m[2];
      input = all[Number(m[1])]?.querySelector(`[name$='[${name}]']`);
    } else {
      input = form.elements.namedItem(field === "customer_id" ? "customer_q" : field);
    }
    const span = input?.closest("td, label")?.querySelector(".field-error");
    if (span) {
      span.textContent = message;
      input.setAttribute("aria-invalid", "true");
    }
  }
}

// `sent` is the body the quote answers: its non-blank lines are the quote's lines, in order.
function showQuote(quote, sent) {
  const all = rows();
  const filled = sent.lines
    .map((line, i) => (line.product_code ? i : -1))
    .filter((i) => i >= 0);
  for (const row of all) row.querySelector("td.line-total").textContent = "";
  quote.lines.forEach((line, i) => {
    const row = all[filled[i]];
    const cell = row?.querySelector("td.line-total");
    if (!cell) return;
    tickPriced(row, sent.lines[filled[i]].product_code, line.processes);
    const detail = document.createElement("div");
    detail.className = "muted";
    detail.textContent = `${line.billable_quantity} ${line.unit} × ${line.unit_price}`;
    const processes = document.createElement("div");
    processes.className = "muted";
    processes.textContent = line.processes.map((p) => `${p.name} ${p.amount}`).join("、");
    const how = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = labels.explanation ?? "?";
    const steps = document.createElement("ol");
    steps.replaceChildren(...line.explanation.map((step) => Object.assign(document.createElement("li"), { textContent: step })));
    how.append(summary, steps);
    cell.replaceChildren(document.createTextNode(line.line_total), detail);
    if (line.processes.length) cell.append(processes);
    cell.append(how);
  });
  const t = quote.totals;
  const shown = [
    ["goods_amount", t.goods_amount],
    ["process_amount", t.process_amount],
    ["management_fee", t.management_fee],
    ["discount", t.discount],
    ["tax_amount", t.tax_amount],
    ["round_off", t.round_off],
    ["total", t.total],
  ].filter(([key, value]) => key === "total" || key === "goods_amount" || !/^-?0(\.0+)?$/.test(value));
  totalsBox.replaceChildren(
    ...shown.map(([key, value]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.textContent = labels[key] ?? key;
      const td = document.createElement("td");
      td.className = "num";
      td.textContent = key === "discount" ? `-${value}` : value;
      if (key === "total") td.id = "live-total";
      tr.append(th, td);
      return tr;
    }),
  );
}

let asking = 0;
const reprice = debounce(async () => {
  const ticket = ++asking;
  const sent = body();
  const res = await fetch("/api/v1/orders/quote", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(sent),
  });
  if (ticket !== asking) return;
  const data = await res.json().catch(() => ({}));
  if (res.ok) {
    showErrors([]);
    showQuote(data, sent);
  } else if (res.status === 422) {
    // An empty order is not an error while the clerk is still typing.
    showErrors((data.errors ?? []).filter((e) => e.field !== "lines"));
  }
}, 250);

if (form && grid) {
  rows().forEach(wireRow);
  form.addEventListener("input", reprice);
  form.addEventListener("change", reprice);
}
