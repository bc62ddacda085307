// The validator page: reads the build's data, starts the Pyodide worker, takes input (paste, type, file,
// drop, samples), guards it (size, block count, private keys) and renders the worker's report.
//
// Input never leaves the page except as a message to the worker: it is not put in the URL, in storage
// or in cookies, and everything is rendered with textContent, never as HTML.

const DEBOUNCE_MS = 300;
// A check that takes this long means the worker is stuck on an input; it is replaced by a fresh one.
const REQUEST_TIMEOUT_MS = 20_000;
const DAY_MS = 24 * 60 * 60 * 1000;
const PRIVATE_KEY_MARKER = "PRIVATE KEY-----";

const STATUS_TEXT = { pass: "Pass", warn: "Warning", fail: "Fail", not_applicable: "Not applicable" };
const STATUS_ICON = { pass: "✔", warn: "⚠", fail: "✖", not_applicable: "–" };
const VERDICT_TEXT = {
  pass: "Pass: this looks right.",
  warn: "Pass with warnings: it will work, but read the warnings below.",
  fail: "Fail: this will not work as it is. See the failed checks below.",
};
const KIND_TEXT = {
  certificate: "Client certificate",
  csr: "Certificate signing request (CSR)",
  chain: "Partner certificate chain",
  match: "Client certificate and CSR",
};
// Detail keys the page knows how to label, in display order; other keys follow with a generated label.
const DETAIL_LABELS = [
  ["position", "Position"],
  ["subject", "Subject"],
  ["subject_openssl", "Subject (OpenSSL -subj)"],
  ["issuer", "Issuer"],
  ["serial", "Serial number"],
  ["serial_decimal", "Serial number (decimal)"],
  ["not_before", "Valid from"],
  ["not_after", "Valid until"],
  ["sha256_fingerprint", "SHA-256 fingerprint"],
  ["sha1_fingerprint", "SHA-1 fingerprint"],
  ["public_key", "Public key"],
  ["public_key_sha256", "Public key SHA-256"],
  ["signature_algorithm", "Signature algorithm"],
  ["is_ca", "CA certificate"],
  ["environment", "Checked against environment"],
  ["issued_by_environment", "Issued by environment"],
  ["certificates", "Certificates in the chain"],
  ["not_in_chain", "Certificates not in the chain"],
  ["csr", "CSR"],
];

// Environment ids in the report ("qa") are shown with their names ("QA"); filled from the page data.
const ENVIRONMENT_NAMES = new Map();
const ENVIRONMENT_KEYS = new Set(["environment", "issued_by_environment"]);

const $ = (id) => document.getElementById(id);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function readPageData() {
  const script = $("nuvy-data");
  if (!script) return null;
  try {
    return JSON.parse(script.textContent);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- input guards

function countBlocks(text) {
  return text.split("-----BEGIN ").length - 1;
}

// Returns "private_key", or a message when the input must not be sent to the worker, or null when it may.
function guard(text, size, limits) {
  if (text.includes(PRIVATE_KEY_MARKER)) return "private_key";
  if (size > limits.max_bytes) {
    return (
      `This input is ${size.toLocaleString("en")} bytes; the validator takes at most ` +
      `${limits.max_bytes.toLocaleString("en")} bytes. A client certificate is usually under 3 000 bytes: ` +
      "paste only the certificate (or the chain), not a whole file of other material."
    );
  }
  const blocks = countBlocks(text);
  if (blocks > limits.max_blocks) {
    return (
      `This input has ${blocks} PEM blocks; the validator takes at most ${limits.max_blocks}. ` +
      "Paste your certificate, or your certificate and its chain, only."
    );
  }
  return null;
}

// `inPage` is true when the page caught the key before the worker saw it; a binary (DER) key is only
// recognised by the validator in the worker, which still keeps it inside this browser tab.
function showPrivateKeyWarning(ui, inPage = true) {
  const notice = ui.notice;
  const handled = inPage
    ? "Nothing was processed or stored: the key was not sent anywhere and the box has been cleared. "
    : "Nothing was stored or sent anywhere: the key was only read inside this browser tab and has been cleared. ";
  notice.replaceChildren(
    el("strong", null, "That was a private key. Never share your private key — not with Nuvy, not with anyone."),
    el(
      "p",
      null,
      handled +
        "If you pasted it anywhere else (a chat, a ticket, an e-mail), treat it as compromised and rotate it: " +
        "generate a new key and CSR (steps 2 and 3 of the guide) and ask Nuvy for a new certificate.",
    ),
  );
  notice.className = "nuvy-notice nuvy-notice--danger";
  notice.hidden = false;
}

function showNotice(ui, text) {
  ui.notice.replaceChildren(el("p", null, text));
  ui.notice.className = "nuvy-notice nuvy-notice--warn";
  ui.notice.hidden = false;
}

function clearNotice(ui) {
  ui.notice.hidden = true;
  ui.notice.replaceChildren();
}

// ---------------------------------------------------------------- rendering

function humanLabel(key) {
  const label = key.replace(/_/g, " ");
  return label.charAt(0).toUpperCase() + label.slice(1);
}

function countdown(notAfter, nowMs) {
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return null;
  const days = Math.floor((end - nowMs) / DAY_MS);
  if (end <= nowMs) return { text: `expired ${Math.max(1, -days)} days ago`, status: "fail" };
  if (days < 1) return { text: "expires in less than a day", status: "warn" };
  return { text: `expires in ${days} day${days === 1 ? "" : "s"}`, status: days <= 30 ? "warn" : "pass" };
}

function renderValue(value, depth) {
  if (value === null || value === undefined) return el("span", null, "—");
  if (typeof value === "boolean") return el("span", "nuvy-detail-value", value ? "yes" : "no");
  if (Array.isArray(value) && value.length === 0) return el("span", null, "none");
  if (Array.isArray(value)) {
    const list = el("ol", "nuvy-detail-list");
    for (const item of value) {
      const li = el("li");
      li.append(renderValue(item, depth + 1));
      list.append(li);
    }
    return list;
  }
  if (typeof value === "object") {
    if (depth > 3) return el("code", null, JSON.stringify(value));
    return renderDetailList(value, depth + 1, Date.now());
  }
  return el("span", "nuvy-detail-value", String(value));
}

function renderDetailList(details, depth, nowMs) {
  const dl = el("dl", "nuvy-details");
  const seen = new Set();
  const add = (key, label) => {
    if (!(key in details) || seen.has(key)) return;
    seen.add(key);
    dl.append(el("dt", null, label));
    const dd = el("dd");
    const value = ENVIRONMENT_KEYS.has(key) && ENVIRONMENT_NAMES.has(details[key]) ? ENVIRONMENT_NAMES.get(details[key]) : details[key];
    dd.append(renderValue(value, depth));
    if (key === "not_after" && typeof details[key] === "string") {
      const left = countdown(details[key], nowMs);
      if (left) dd.append(" ", el("span", `nuvy-countdown nuvy-countdown--${left.status}`, `(${left.text})`));
    }
    dl.append(dd);
  };
  for (const [key, label] of DETAIL_LABELS) add(key, label);
  for (const key of Object.keys(details)) add(key, humanLabel(key));
  return dl;
}

const GROUP_ORDER = ["match", "environment", "path", "revocation", "profile", "csr"];
const GROUP_TEXT = {
  match: "Certificate and CSR",
  environment: "Environment",
  path: "Path: would a TLS server accept this chain? (RFC 5280)",
  revocation: "Revocation",
  profile: "Profile: is it what Nuvy issues?",
};

function renderCheck(check) {
  const status = STATUS_TEXT[check.status] ? check.status : "fail";
  const li = el("li", `nuvy-check nuvy-check--${status}`);
  li.dataset.checkId = check.id;
  li.dataset.status = status;
  const badge = el("span", `nuvy-badge nuvy-badge--${status}`);
  badge.append(el("span", "nuvy-icon", STATUS_ICON[status]), " ", el("span", null, STATUS_TEXT[status]));
  const body = el("div", "nuvy-check-body");
  const title = el("span", "nuvy-check-title", check.title || check.id);
  body.append(title, el("span", "nuvy-check-id", check.id), el("p", "nuvy-check-message", check.message));
  li.append(badge, body);
  return li;
}

function renderMatch(checks) {
  const match = checks.find((check) => check.id === "match.public_key");
  if (!match) return null;
  const matches = match.status === "pass";
  const box = el("p", `nuvy-match nuvy-match--${matches ? "pass" : "fail"}`);
  box.id = "nuvy-match";
  box.append(
    el("span", "nuvy-icon", matches ? STATUS_ICON.pass : STATUS_ICON.fail),
    " ",
    el(
      "strong",
      null,
      matches ? "Certificate ↔ CSR: they match." : "Certificate ↔ CSR: they do NOT match.",
    ),
    " ",
    el("span", null, match.message),
  );
  return box;
}

function renderBundle(ui, bundlePem) {
  if (ui.bundleUrl) URL.revokeObjectURL(ui.bundleUrl);
  ui.bundleUrl = URL.createObjectURL(new Blob([bundlePem], { type: "application/x-pem-file" }));
  const box = el("div", "nuvy-bundle");
  box.append(
    el("p", null, "These are the CA certificates from your chain that Nuvy needs to trust. Send this file to Nuvy:"),
  );
  const link = el("a", "md-button md-button--primary nuvy-bundle-link", "Download the CA bundle (partner-ca-bundle.pem)");
  link.id = "nuvy-bundle-link";
  link.href = ui.bundleUrl;
  link.download = "partner-ca-bundle.pem";
  box.append(link);
  return box;
}

// When the certificate belongs to another configured environment, offer to check it against that one.
function renderSwitch(details, onSwitch) {
  const issuedBy = details && details.issued_by_environment;
  if (!issuedBy || issuedBy === details.environment || !ENVIRONMENT_NAMES.has(issuedBy)) return null;
  const button = el("button", "md-button nuvy-switch", `Check it against ${ENVIRONMENT_NAMES.get(issuedBy)} instead`);
  button.type = "button";
  button.id = "nuvy-switch";
  button.addEventListener("click", () => onSwitch(issuedBy));
  return button;
}

// With "Your details" filled in on this page (details-form.js), a CSR's subject is compared with them.
function renderSubjectComparison(report) {
  const form = window.NuvyDetailsForm;
  if (report.kind !== "csr" || !form || !report.details) return null;
  const differs = form.compareSubject(report.details.subject);
  if (differs === null) return null;
  const box = el("div", `nuvy-subject-diff nuvy-subject-diff--${differs.length ? "fail" : "pass"}`);
  box.id = "nuvy-subject-diff";
  if (!differs.length) {
    box.append(el("p", null, "The CSR's subject is exactly the one your details make."));
    return box;
  }
  box.append(el("p", null, "The CSR's subject differs from your details:"));
  const list = el("ul");
  for (const message of differs) list.append(el("li", null, message));
  box.append(list);
  return box;
}

function renderReport(ui, report, nowMs, onSwitch) {
  const verdict = STATUS_TEXT[report.verdict] ? report.verdict : "fail";
  const container = el("div", `nuvy-report nuvy-report--${verdict}`);
  container.dataset.verdict = verdict;
  container.dataset.kind = report.kind;
  const head = el("div", `nuvy-verdict nuvy-verdict--${verdict}`);
  head.id = "nuvy-verdict";
  head.append(
    el("span", "nuvy-verdict-icon", STATUS_ICON[verdict]),
    el("span", "nuvy-verdict-text", VERDICT_TEXT[verdict] || VERDICT_TEXT.fail),
  );
  container.append(head, el("p", "nuvy-kind", KIND_TEXT[report.kind] || report.kind));

  const checks = Array.isArray(report.checks) ? report.checks : [];
  const switcher = renderSwitch(report.details, onSwitch);
  if (switcher) container.append(switcher);
  const match = renderMatch(checks);
  if (match) container.append(match);
  if (report.bundle_pem) container.append(renderBundle(ui, report.bundle_pem));
  const comparison = renderSubjectComparison(report);
  if (comparison) container.append(comparison);

  const order = { fail: 0, warn: 1, pass: 2, not_applicable: 3 };
  const sorted = [...checks].sort((a, b) => (order[a.status] ?? 0) - (order[b.status] ?? 0));
  const applicable = sorted.filter((check) => check.status !== "not_applicable");
  const skipped = sorted.filter((check) => check.status === "not_applicable");
  // The path checks answer "would a correct TLS server accept this chain?", the profile checks "is this
  // what Nuvy issues?": the report shows the groups apart, in this order.
  container.append(el("h3", null, "Checks"));
  const groups = [...new Set(applicable.map((check) => check.group || ""))].sort(
    (a, b) => (GROUP_ORDER.indexOf(a) + 1 || 99) - (GROUP_ORDER.indexOf(b) + 1 || 99),
  );
  for (const group of groups) {
    if (GROUP_TEXT[group]) container.append(el("h4", "nuvy-check-group", GROUP_TEXT[group]));
    const list = el("ul", "nuvy-checks");
    list.dataset.group = group;
    for (const check of applicable.filter((item) => (item.group || "") === group)) list.append(renderCheck(check));
    container.append(list);
  }
  if (skipped.length) {
    const more = el("details", "nuvy-skipped");
    more.append(el("summary", null, `${skipped.length} checks did not apply to this input`));
    const skippedList = el("ul", "nuvy-checks");
    for (const check of skipped) skippedList.append(renderCheck(check));
    more.append(skippedList);
    container.append(more);
  }
  if (report.details && typeof report.details === "object" && Object.keys(report.details).length) {
    container.append(el("h3", null, "Details"), renderDetailList(report.details, 0, nowMs));
  }
  ui.result.replaceChildren(container);
}

function renderInputError(ui, code, message) {
  const container = el("div", "nuvy-report nuvy-report--error");
  container.dataset.verdict = "error";
  container.dataset.code = code;
  const head = el("div", "nuvy-verdict nuvy-verdict--fail");
  head.id = "nuvy-verdict";
  head.append(el("span", "nuvy-verdict-icon", STATUS_ICON.fail), el("span", "nuvy-verdict-text", "Could not read this input."));
  container.append(head, el("p", "nuvy-error-message", message));
  ui.result.replaceChildren(container);
}

// ---------------------------------------------------------------- worker

class ValidatorWorker {
  constructor(data, callbacks) {
    this.data = data;
    this.callbacks = callbacks;
    this.nextId = 1;
    this.pending = new Map();
    this.start();
  }

  start() {
    this.ready = false;
    this.failure = null;
    // boot.js, inlined in the page's <head>, started the first worker already.
    this.worker = window.nuvyRuntime.take(
      this.data,
      (event) => this.onMessage(event.data || {}),
      (event) => {
        event.preventDefault();
        this.failure = `the validator stopped (${event.message || "worker error"}). Reload the page.`;
        this.callbacks.onError(this.failure);
      },
    );
  }

  restart() {
    this.worker.terminate();
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(new Error("restarted"));
    }
    this.pending.clear();
    this.start();
  }

  onMessage(message) {
    switch (message.type) {
      case "progress":
        this.callbacks.onProgress(message.stage, message.pct);
        break;
      case "ready":
        this.ready = true;
        this.callbacks.onReady(message.start);
        break;
      case "error":
        this.failure = message.message;
        this.callbacks.onError(message.message);
        break;
      case "result": {
        const entry = this.pending.get(message.id);
        if (!entry) return;
        this.pending.delete(message.id);
        clearTimeout(entry.timer);
        entry.resolve(message.json);
        break;
      }
      default:
        break;
    }
  }

  validate(request) {
    const id = this.nextId++;
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error("timeout"));
        this.restart();
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolvePromise, reject, timer });
      this.worker.postMessage({ type: "validate", id, ...request });
    });
  }
}

// ---------------------------------------------------------------- page controller

function latin1(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

// A file is text when it is valid UTF-8 without control characters other than tab, CR and LF; DER never is.
function decodeText(bytes) {
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? null : text;
}

const STAGE_TEXT = {
  runtime: "Loading the Python runtime (from this site, once)…",
  bundle: "Loading the validator…",
  unpack: "Unpacking the validator…",
  import: "Starting the validator…",
  ready: "Ready.",
};
const READY_TEXT = "Ready. The validator runs in your browser: nothing you paste is sent anywhere.";
const TIMEOUT_TEXT =
  "The validator took too long on this input and was restarted. Check that it is a certificate, CSR or chain.";

function byteLength(text) {
  return new TextEncoder().encode(text).length;
}

function findElements() {
  return {
    status: $("nuvy-status"),
    statusText: $("nuvy-status-text"),
    progress: $("nuvy-progress"),
    form: $("nuvy-form"),
    environments: $("nuvy-environment-options"),
    input: $("nuvy-input"),
    csr: $("nuvy-csr"),
    crl: $("nuvy-crl"),
    crlFile: $("nuvy-crl-file"),
    crlFileName: $("nuvy-crl-file-name"),
    crlDrop: $("nuvy-crl-drop"),
    file: $("nuvy-file"),
    fileName: $("nuvy-file-name"),
    drop: $("nuvy-drop"),
    notice: $("nuvy-notice"),
    result: $("nuvy-result"),
    bundleUrl: null,
  };
}

class ValidatorController {
  constructor(ui, data) {
    this.ui = ui;
    this.data = data;
    this.limits = { max_bytes: 65536, max_blocks: 10, ...(data.limits || {}) };
    // The current input: pasted/typed text, or the bytes of a dropped binary (DER) file.
    this.input = { kind: "text", text: "" };
    this.lastRequest = 0;
    this.timer = null;
    this.selected = this.renderEnvironments();
    this.worker = new ValidatorWorker(data, {
      onProgress: (stage, pct) => this.setStatus(STAGE_TEXT[stage] || STAGE_TEXT.import, pct, "loading"),
      onReady: (start) => {
        this.setStatus(READY_TEXT, 100, "ready");
        // "snapshot" when the runtime was restored from this browser's Cache Storage, "fresh" otherwise.
        this.ui.status.dataset.start = start || "fresh";
        this.check();
      },
      onError: (message) => {
        this.setStatus(message, null, "error");
        // Input given while the runtime was loading gets the reason instead of waiting forever.
        if (!this.inputIsEmpty()) this.check();
      },
    });
    this.bindEvents();
  }

  // Builds the radio group from the page data; returns the environment selected at start.
  renderEnvironments() {
    const environments = this.data.environments;
    const known = environments.some((env) => env.id === this.data.default_environment);
    const selected = known ? this.data.default_environment : environments[0] && environments[0].id;
    for (const env of environments) {
      ENVIRONMENT_NAMES.set(env.id, env.name);
      const label = el("label", "nuvy-environment");
      const radio = el("input");
      radio.type = "radio";
      radio.name = "nuvy-environment";
      radio.value = env.id;
      radio.checked = env.id === selected;
      label.append(radio, " ", el("span", "nuvy-environment-name", env.name));
      if (env.host) label.append(" ", el("span", "nuvy-environment-host", `(${env.host})`));
      this.ui.environments.append(label);
    }
    return selected;
  }

  setStatus(text, pct, kind) {
    const ui = this.ui;
    ui.statusText.textContent = text;
    if (pct !== null) ui.progress.value = pct;
    ui.status.className = `nuvy-status nuvy-status--${kind}`;
    ui.progress.hidden = kind === "ready" || kind === "error";
  }

  // Every finished check (report, error or notice) bumps this counter, so assistive tech and tests
  // can tell a new answer from an old one even when the text is the same.
  rendered() {
    this.ui.result.dataset.renders = String(Number(this.ui.result.dataset.renders || 0) + 1);
  }

  inputIsEmpty() {
    return this.input.kind === "text" ? this.input.text.trim() === "" : this.input.bytes.length === 0;
  }

  clearInput() {
    this.ui.input.value = "";
    this.input = { kind: "text", text: "" };
    this.ui.fileName.textContent = "";
  }

  schedule() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.check(), DEBOUNCE_MS);
  }

  // Runs the page's own guards; returns true when the input may go to the worker.
  guardInput(text, csrText) {
    const ui = this.ui;
    const length = this.input.kind === "text" ? byteLength(text) : this.input.bytes.length;
    const problem = guard(text, length, this.limits);
    const csrProblem = csrText ? guard(csrText, byteLength(csrText), this.limits) : null;
    if (problem === "private_key" || csrProblem === "private_key") {
      if (problem === "private_key") this.clearInput();
      if (csrProblem === "private_key") ui.csr.value = "";
      ui.result.replaceChildren();
      showPrivateKeyWarning(ui);
      return false;
    }
    if (problem || csrProblem) {
      ui.result.replaceChildren();
      showNotice(ui, problem || `In the CSR box: ${csrProblem}`);
      return false;
    }
    clearNotice(ui);
    return true;
  }

  // The CRL box gets the same private-key and size guards as the other boxes.
  guardCrl(crlText) {
    const ui = this.ui;
    const problem = crlText ? guard(crlText, byteLength(crlText), this.limits) : null;
    if (problem === "private_key") {
      ui.crl.value = "";
      ui.result.replaceChildren();
      showPrivateKeyWarning(ui);
      return false;
    }
    if (problem) {
      ui.result.replaceChildren();
      showNotice(ui, `In the CRL box: ${problem}`);
      return false;
    }
    return true;
  }

  async takeCrlFile(file) {
    const ui = this.ui;
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.length > this.limits.max_bytes) {
      showNotice(ui, `${file.name} is too large for a CRL the validator takes (at most ${this.limits.max_bytes} bytes).`);
      return;
    }
    const text = decodeText(bytes);
    // A PEM CRL goes into the box, where it can be read; a DER one is kept as bytes.
    ui.crl.value = text !== null ? text : "";
    this.crlBytes = text !== null ? null : bytes;
    ui.crlFileName.textContent = `File: ${file.name} (${bytes.length.toLocaleString("en")} bytes)`;
    this.check();
  }

  async check() {
    clearTimeout(this.timer);
    const ui = this.ui;
    if (this.inputIsEmpty()) {
      ui.result.replaceChildren();
      this.rendered();
      return;
    }
    const text = this.input.kind === "text" ? this.input.text : latin1(this.input.bytes);
    const csrText = ui.csr.value;
    const crlText = ui.crl.value;
    if (!this.guardInput(text, csrText) || !this.guardCrl(crlText)) {
      this.rendered();
      return;
    }
    if (this.worker.failure) {
      renderInputError(ui, "unavailable", `The validator is not available in this browser: ${this.worker.failure}`);
      this.rendered();
      return;
    }
    if (!this.worker.ready) {
      ui.result.replaceChildren(el("p", "nuvy-waiting", "Your input will be checked as soon as the validator is ready."));
      return;
    }
    const request = {
      data: this.input.kind === "text" ? text : this.input.bytes,
      selected: this.selected,
      now_ms: Date.now(),
      csr: csrText.trim() ? csrText : null,
      crl: this.crlBytes || (crlText.trim() ? crlText : null),
    };
    await this.send(request);
  }

  async send(request) {
    const ui = this.ui;
    const requestNumber = ++this.lastRequest;
    ui.result.setAttribute("aria-busy", "true");
    let answer;
    try {
      answer = parseAnswer(await this.worker.validate(request));
    } catch {
      answer = { ok: false, code: "timeout", message: TIMEOUT_TEXT };
    }
    // Only the newest input's answer is shown; older answers arriving late are dropped.
    if (requestNumber !== this.lastRequest) return;
    ui.result.removeAttribute("aria-busy");
    if (answer.ok) {
      renderReport(ui, answer.report, request.now_ms, (id) => this.selectEnvironment(id));
    } else if (answer.code === "private_key") {
      // A binary private key (DER) only the validator can recognise; the page treats it like a pasted one.
      this.clearInput();
      ui.result.replaceChildren();
      showPrivateKeyWarning(ui, false);
    } else {
      renderInputError(ui, answer.code, answer.message);
    }
    this.rendered();
  }

  async takeFile(file) {
    const ui = this.ui;
    if (file.size > this.limits.max_bytes) {
      ui.result.replaceChildren();
      showNotice(
        ui,
        `${file.name} is ${file.size.toLocaleString("en")} bytes; the validator takes at most ` +
          `${this.limits.max_bytes.toLocaleString("en")} bytes. Choose the certificate file itself.`,
      );
      this.rendered();
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    const text = decodeText(bytes);
    if (text !== null) {
      ui.input.value = text;
      this.input = { kind: "text", text };
    } else {
      // A binary file (DER or PKCS#7) is checked as bytes; the text box would only show noise.
      ui.input.value = "";
      this.input = { kind: "bytes", bytes };
    }
    ui.fileName.textContent = `File: ${file.name} (${bytes.length.toLocaleString("en")} bytes)`;
    this.check();
  }

  bindEvents() {
    const ui = this.ui;
    ui.form.addEventListener("submit", (event) => event.preventDefault());
    ui.input.addEventListener("input", () => {
      this.input = { kind: "text", text: ui.input.value };
      ui.fileName.textContent = "";
      // A private key is cleared at once, without waiting for the debounce.
      if (ui.input.value.includes(PRIVATE_KEY_MARKER)) this.check();
      else this.schedule();
    });
    ui.csr.addEventListener("input", () => {
      if (ui.csr.value.includes(PRIVATE_KEY_MARKER)) this.check();
      else this.schedule();
    });
    ui.crl.addEventListener("input", () => {
      this.crlBytes = null;
      ui.crlFileName.textContent = "";
      if (ui.crl.value.includes(PRIVATE_KEY_MARKER)) this.check();
      else this.schedule();
    });
    ui.crlFile.addEventListener("change", () => {
      if (ui.crlFile.files[0]) this.takeCrlFile(ui.crlFile.files[0]);
      ui.crlFile.value = "";
    });
    for (const type of ["dragover", "drop"]) {
      ui.crlDrop.addEventListener(type, (event) => {
        event.preventDefault();
        event.stopPropagation();
        if (type === "drop" && event.dataTransfer.files[0]) this.takeCrlFile(event.dataTransfer.files[0]);
      });
    }
    ui.environments.addEventListener("change", (event) => {
      if (event.target.name !== "nuvy-environment") return;
      this.selected = event.target.value;
      this.check();
    });
    for (const button of document.querySelectorAll(".nuvy-sample")) {
      button.addEventListener("click", () => this.useSample(button.dataset.sample));
    }
    ui.file.addEventListener("change", () => {
      if (ui.file.files[0]) this.takeFile(ui.file.files[0]);
      // Clearing the picker lets the same file be chosen again after an edit.
      ui.file.value = "";
    });
    this.bindDrop();
  }

  selectEnvironment(id) {
    const radio = this.ui.environments.querySelector(`input[value="${CSS.escape(id)}"]`);
    if (!radio) return;
    radio.checked = true;
    radio.focus();
    this.selected = id;
    this.check();
  }

  useSample(name) {
    const sample = (this.data.samples || {})[name];
    if (!sample) return;
    this.ui.input.value = sample;
    this.ui.fileName.textContent = "";
    this.input = { kind: "text", text: sample };
    this.check();
  }

  bindDrop() {
    const ui = this.ui;
    for (const target of [ui.drop, ui.input]) {
      target.addEventListener("dragover", (event) => {
        event.preventDefault();
        ui.drop.classList.add("nuvy-drop--active");
      });
      target.addEventListener("dragleave", () => ui.drop.classList.remove("nuvy-drop--active"));
      target.addEventListener("drop", (event) => {
        event.preventDefault();
        ui.drop.classList.remove("nuvy-drop--active");
        const file = event.dataTransfer && event.dataTransfer.files[0];
        if (file) this.takeFile(file);
      });
    }
  }
}

function parseAnswer(json) {
  try {
    return JSON.parse(json);
  } catch {
    return { ok: false, code: "internal", message: "The validator returned an unreadable answer. Reload the page." };
  }
}

function main() {
  const ui = findElements();
  if (!ui.form) return;
  const data = readPageData();
  if (!data || !Array.isArray(data.environments) || !data.environments.length || !data.runtime) {
    ui.statusText.textContent =
      "The validator's data is missing from this page. Reload it; if this persists, tell security@nuvy.ai.";
    ui.status.classList.add("nuvy-status--error");
    return;
  }
  new ValidatorController(ui, data);
}

main();
