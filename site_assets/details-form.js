/*
 * "Your details" on a page (hooks/details.py writes the form, hidden): shows the form, checks the values as
 * they are typed (details-fill.js), and fills every code block of the page in place, in every tab.
 *
 * The values live in this script's variables only: nothing is written to any storage, cookie or URL and
 * nothing is sent (the form cannot be submitted; autocomplete="off" keeps the browser from saving or
 * restoring what was typed). Leaving or reloading the page forgets them.
 */
(function () {
  "use strict";

  const fill = window.NuvyDetails;
  const container = document.getElementById("your-details");
  const dataElement = document.getElementById("nuvy-details-data");
  if (!fill || !container || !dataElement) return;

  const data = JSON.parse(dataElement.textContent);
  const environments = data.environments;
  const form = document.getElementById("nuvy-details-form");
  const status = document.getElementById("nuvy-details-status");
  const FIELDS = ["o", "cn", "c", "stem"];
  const inputs = Object.fromEntries(FIELDS.map((name) => [name, document.getElementById(`nuvy-details-${name}`)]));
  const errorOf = (name) => document.getElementById(`nuvy-details-${name}-error`);
  const touched = new Set();

  function tabLabel(code) {
    const block = code.closest(".tabbed-block");
    if (!block) return null;
    const set = block.closest(".tabbed-set");
    const blocks = Array.from(block.parentElement.children).filter((child) => child.classList.contains("tabbed-block"));
    const labels = set.querySelectorAll(":scope > .tabbed-labels > label");
    const label = labels[blocks.indexOf(block)];
    return label ? label.textContent.trim() : null;
  }

  function languageOf(code) {
    const highlight = code.closest(".highlight");
    // hooks/details.py gives each block of the page the class nuvy-lang-LANG.
    const name = highlight && Array.from(highlight.classList).find((c) => c.startsWith("nuvy-lang-"));
    return name ? name.slice("nuvy-lang-".length) : "text";
  }

  // Every code block of the page content, with what it showed when the page loaded.
  const blocks = Array.from(document.querySelectorAll(".md-content pre > code")).map((code) => ({
    code,
    html: code.innerHTML,
    text: code.textContent,
    language: languageOf(code),
    tab: tabLabel(code),
  }));

  function chosenEnvironment() {
    const checked = form.querySelector('input[name="environment"]:checked');
    return checked ? checked.value : data.default_environment;
  }

  function values() {
    const result = { environment: chosenEnvironment() };
    for (const name of FIELDS) result[name] = inputs[name].value;
    return result;
  }

  function restore(block) {
    if (block.code.dataset.nuvyFilled) {
      block.code.innerHTML = block.html;
      delete block.code.dataset.nuvyFilled;
      block.code.closest(".highlight").classList.remove("nuvy-filled");
    }
  }

  function fillAll(clean) {
    let changed = 0;
    for (const block of blocks) {
      const environment = fill.blockEnvironment(block.tab, clean.environment, environments);
      const text = fill.fillBlock(block.text, block.language, clean, environment, environments);
      if (text === block.text) {
        restore(block);
        continue;
      }
      // Plain text: the highlighting is the build's, for the text as written.
      block.code.textContent = text;
      block.code.dataset.nuvyFilled = "true";
      block.code.closest(".highlight").classList.add("nuvy-filled");
      changed += 1;
    }
    return changed;
  }

  function showErrors(errors) {
    for (const name of FIELDS) {
      const message = touched.has(name) ? errors[name] || "" : "";
      const element = errorOf(name);
      if (element.textContent !== message) element.textContent = message;
      if (message) inputs[name].setAttribute("aria-invalid", "true");
      else inputs[name].removeAttribute("aria-invalid");
    }
  }

  let lastStatus = "";
  function say(message) {
    if (message !== lastStatus) {
      status.textContent = message;
      lastStatus = message;
    }
  }

  function update() {
    const result = fill.check(values(), environments);
    showErrors(result.errors);
    const started = touched.has("o") || touched.has("cn");
    if (!started) {
      blocks.forEach(restore);
      say("Type your company name and client id: the commands then carry them.");
      return;
    }
    if (!result.ok) {
      // Refused before any command is shown: the blocks go back to the placeholders.
      blocks.forEach(restore);
      const count = Object.keys(result.errors).length;
      say(`${count === 1 ? "One field needs" : `${count} fields need`} a change (see above); until then the commands show the placeholders.`);
      return;
    }
    const changed = fillAll(result.values);
    const environment = environments.find((e) => e.id === result.values.environment);
    say(`${changed} code blocks on this page now carry your details for ${environment.name}.`);
  }

  // Show the environment's tab wherever a tab is named after it (linked tabs follow the first one).
  function showEnvironmentTabs() {
    const environment = environments.find((e) => e.id === chosenEnvironment());
    if (!environment) return;
    const label = Array.from(document.querySelectorAll(".tabbed-labels > label")).find(
      (candidate) => candidate.textContent.trim() === environment.name,
    );
    const input = label && document.getElementById(label.htmlFor);
    if (input && !input.checked) label.click();
  }

  for (const name of FIELDS) {
    inputs[name].addEventListener("input", () => {
      touched.add(name);
      update();
    });
  }
  for (const radio of form.querySelectorAll('input[name="environment"]')) {
    radio.addEventListener("change", () => {
      showEnvironmentTabs();
      update();
    });
  }
  form.addEventListener("submit", (event) => event.preventDefault());

  // What the validator page asks (when it has this form): the values, once they are complete and valid.
  window.NuvyDetailsForm = Object.freeze({
    current() {
      if (!(touched.has("o") || touched.has("cn"))) return null;
      const result = fill.check(values(), environments);
      if (!result.ok) return null;
      const environment = environments.find((e) => e.id === result.values.environment);
      return { values: result.values, environment };
    },
    compareSubject(subjectRfc4514) {
      const known = this.current();
      return known ? fill.compareSubject(subjectRfc4514, known.values, known.environment) : null;
    },
  });

  container.hidden = false;
  update();
})();
