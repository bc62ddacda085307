// Every region of a page that scrolls sideways can be reached with the keyboard and is named for screen
// readers (WCAG 2.1.1 and 4.1.2; axe: scrollable-region-focusable). Whether a table, a code block or a
// part of the validator's report scrolls depends on the fonts the machine has and on the width of the
// window, so it is decided here, in the browser, and decided again whenever either changes. A region that
// fits gets nothing: an extra Tab stop and landmark for content that does not scroll would only be noise.
//
// Loaded on every page by overrides/main.html, after Material's bundle. Material wraps tables in
// .md-typeset__scrollwrap when it mounts, and validator.js renders the report later still, so the regions
// are looked for again whenever the page's content changes.
(() => {
  // Tables (Material's wrapper), code blocks, and any scrolling box inside the validator's report.
  const CANDIDATES = ".md-typeset__scrollwrap, .md-typeset pre > code, #nuvy-result *";
  // Set on the regions this script made focusable, so it only ever undoes its own changes.
  const MARK = "data-nuvy-scroll-region";
  const LABEL_LENGTH = 80;

  const clip = (text) => {
    const words = text.replace(/\s+/g, " ").trim();
    return words.length > LABEL_LENGTH ? `${words.slice(0, LABEL_LENGTH - 1)}…` : words;
  };

  function label(region) {
    const table = region.querySelector("table");
    if (table) {
      const caption = table.querySelector("caption");
      const headers = [...table.querySelectorAll("thead th")].map((cell) => cell.textContent).filter((t) => t.trim());
      const what = caption ? caption.textContent : headers.join(", ");
      return clip(what ? `Table: ${what}` : "Table");
    }
    if (region.matches("pre > code")) {
      // The first line tells one block from the next ("Code block: openssl x509 -noout …").
      const first = region.textContent.split("\n").find((line) => line.trim());
      return clip(first ? `Code block: ${first}` : "Code block");
    }
    const heading = region.closest("#nuvy-result") ? "Validator report" : "Content";
    return `${heading}, scrolls sideways`;
  }

  // A box can scroll sideways when its overflow-x is auto or scroll; it does when its content is wider.
  function mayScroll(element) {
    const overflow = getComputedStyle(element).overflowX;
    return overflow === "auto" || overflow === "scroll";
  }

  const scrolls = (region) => mayScroll(region) && region.scrollWidth > region.clientWidth;

  function update(region) {
    if (scrolls(region)) {
      // Material gives a scrolling code block tabindex="0" itself, but only where the device can hover.
      if (region.getAttribute("tabindex") !== "0") region.setAttribute("tabindex", "0");
      if (!region.hasAttribute(MARK)) {
        region.setAttribute(MARK, "");
        region.setAttribute("role", "region");
        region.setAttribute("aria-label", label(region));
      }
    } else if (region.hasAttribute(MARK)) {
      for (const name of [MARK, "role", "aria-label", "tabindex"]) region.removeAttribute(name);
    }
  }

  // A box's own size changes with the window; its content's size changes when fonts arrive. Watching both
  // catches every change of "does it scroll" that does not come with a change of the page's elements.
  const resized = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const region = entry.target.matches(CANDIDATES) ? entry.target : entry.target.parentElement;
      if (region) update(region);
    }
  });
  const watched = new WeakSet();

  function scan() {
    for (const region of document.querySelectorAll(CANDIDATES)) {
      // Most of the report's elements can never scroll; only boxes that may are watched.
      if (!watched.has(region) && !mayScroll(region)) continue;
      if (!watched.has(region)) {
        watched.add(region);
        resized.observe(region);
        if (region.firstElementChild) resized.observe(region.firstElementChild);
      }
      update(region);
    }
  }

  let pending = false;
  const rescan = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      scan();
    });
  };

  // New content (Material's table wrappers, a rendered report) and a tabindex taken away from a region
  // that still scrolls (Material does that to code blocks on devices that cannot hover) both rescan.
  new MutationObserver(rescan).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["tabindex"],
  });
  if (document.fonts) document.fonts.ready.then(rescan);
  scan();
})();
