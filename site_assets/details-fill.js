/*
 * "Your details": the ONE implementation that checks the values a client types and fills them into the
 * commands and code samples of the guide, the quickstart and the troubleshooting page.
 *
 * The pages load it as a classic script (it defines `NuvyDetails`); the guide suite loads the very same
 * file under Node (tests/guide/details.py) and runs what it fills against the test servers. It is pure:
 * no DOM, no storage, no network.
 *
 * The pages' Markdown shows the commands filled with DEFAULTS (the placeholders a visitor without
 * JavaScript sees); filling a block replaces, in its text:
 *   - the -subj argument `-subj '/C=../O=../OU=../CN=..'`: rebuilt from the values, each value escaped
 *     for OpenSSL's -subj parser (a backslash before / + \ and "), then quoted for the block's shell
 *     (bash and Git Bash: single quotes; PowerShell: single quotes, every kind of single quote doubled),
 *     with -utf8 in front when a value is not ASCII;
 *   - the file names `nuvy-client-<env>.<ext>` (the stem and the environment) and `nuvy-ca-<env>.crt`;
 *   - the API host of any environment, by the host of the block's environment.
 * A block in a content tab named after an environment (QA, Production) keeps that environment; every
 * other block takes the environment chosen in the form.
 */
(function (root, factory) {
  "use strict";
  const api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    root.NuvyDetails = api;
  }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // What the pages show without the form. file stems are per environment: <stem>-<environment id>.<ext>.
  const DEFAULTS = Object.freeze({ c: "BR", o: "Example Client", cn: "example-client", stem: "nuvy-client" });
  const DEFAULT_STEM = DEFAULTS.stem;
  const CA_STEM = "nuvy-ca";

  // RFC 5280 Appendix A upper bounds, in characters: ub-organization-name, ub-common-name,
  // ub-organizational-unit-name. OpenSSL refuses a longer value too ("string too long").
  const UPPER_BOUNDS = Object.freeze({ o: 64, cn: 64, ou: 64 });
  const STEM_MAX = 64;

  const LABELS = Object.freeze({
    c: "Country (C)",
    o: "Company name (O)",
    cn: "Client id (CN)",
    environment: "Environment",
    stem: "File-name stem",
  });

  // Control characters (C0, DEL, C1), line and paragraph separators, and invisible format characters
  // (zero-width space, bidirectional overrides, BOM, soft hyphen), which would make the subject differ
  // from what the client sees. The zero-width joiner and non-joiner (U+200D, U+200C) are allowed: some
  // scripts and emoji sequences need them.
  const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/u;
  const INVISIBLE = /(?![\u200C\u200D])\p{Cf}/u;
  const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const STEM = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
  const COUNTRY = /^[A-Z]{2}$/;

  function codePoints(text) {
    return Array.from(text).length;
  }

  function hex(character) {
    return "U+" + character.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
  }

  function normalized(values) {
    const text = (value) => (typeof value === "string" ? value : "").normalize("NFC");
    return {
      c: text(values.c),
      o: text(values.o),
      cn: text(values.cn),
      stem: text(values.stem),
      environment: typeof values.environment === "string" ? values.environment : "",
    };
  }

  // One message per field, saying what to change; null when the value is fine.
  function subjectValueProblem(field, value) {
    const label = LABELS[field];
    if (value === "") {
      return `${label} is empty: type it${field === "o" ? " as your company is registered" : ", as agreed with Nuvy"}.`;
    }
    if (LONE_SURROGATE.test(value)) {
      return `${label} contains a broken character: type it again.`;
    }
    const control = value.match(CONTROL);
    if (control) {
      return `${label} contains a control character (${hex(control[0])}, such as a line break or a tab): remove it.`;
    }
    const invisible = value.match(INVISIBLE);
    if (invisible) {
      return `${label} contains an invisible character (${hex(invisible[0])}), often pasted with the text: type the value again or remove it.`;
    }
    if (value.trim() !== value) {
      const where = value.trimStart() !== value ? "starts" : "ends";
      return `${label} ${where} with a space: remove it (a certificate keeps spaces, so Nuvy would see it).`;
    }
    const length = codePoints(value);
    if (length > UPPER_BOUNDS[field]) {
      const bound = field === "o" ? "ub-organization-name" : "ub-common-name";
      return `${label} has ${length} characters; a certificate takes at most ${UPPER_BOUNDS[field]} (RFC 5280, ${bound}): shorten it by ${length - UPPER_BOUNDS[field]}.`;
    }
    return null;
  }

  function countryProblem(value) {
    if (value === "") return `${LABELS.c} is empty: type two letters, such as BR.`;
    if (COUNTRY.test(value)) return null;
    if (COUNTRY.test(value.toUpperCase())) return `${LABELS.c} must be in capitals: write ${value.toUpperCase()}.`;
    return `${LABELS.c} must be a two-letter country code (ISO 3166), such as BR; "${value}" is not.`;
  }

  function stemProblem(value) {
    if (value === "") return `${LABELS.stem} is empty: type one, such as ${DEFAULT_STEM}.`;
    if (codePoints(value) > STEM_MAX) return `${LABELS.stem} has more than ${STEM_MAX} characters: shorten it.`;
    if (!STEM.test(value)) {
      return `${LABELS.stem} may hold only letters A–Z, digits, ".", "-" and "_", and must start with a letter or a digit, so that every shell takes the file names as they are.`;
    }
    return null;
  }

  function environmentById(environments, id) {
    return environments.find((environment) => environment.id === id) || null;
  }

  /**
   * Check the values; `errors` maps a field (c, o, cn, stem, environment) to a message that says what to
   * change. `values` holds the NFC form the commands use.
   */
  function check(values, environments) {
    const clean = normalized(values);
    const errors = {};
    const add = (field, problem) => {
      if (problem) errors[field] = problem;
    };
    add("c", countryProblem(clean.c));
    add("o", subjectValueProblem("o", clean.o));
    add("cn", subjectValueProblem("cn", clean.cn));
    add("stem", stemProblem(clean.stem));
    const environment = environmentById(environments, clean.environment);
    if (!environment) {
      errors.environment = `${LABELS.environment}: choose one of ${environments.map((e) => e.name).join(", ")}.`;
    } else if (codePoints(environment.name) > UPPER_BOUNDS.ou) {
      errors.environment = `${LABELS.environment} name is longer than ${UPPER_BOUNDS.ou} characters (OU).`;
    }
    return { ok: Object.keys(errors).length === 0, errors, values: clean };
  }

  /** The subject, in the order the guide writes it: [[type, value], ...]; OU is the environment's name. */
  function subjectRdns(values, environment) {
    return [
      ["C", values.c],
      ["O", values.o],
      ["OU", environment.name],
      ["CN", values.cn],
    ];
  }

  // OpenSSL's -subj parser (apps/lib/apps.c, parse_name) ends a value at "/" and at an unescaped "+"
  // (a multi-valued RDN) and takes the character after a backslash as it is. The double quote needs no
  // escape for OpenSSL; escaping it keeps the argument intact through Windows PowerShell 5.1, which
  // passes it to openssl.exe without escaping it.
  function escapeSubjValue(value) {
    return value.replace(/[\\/+"]/g, (character) => "\\" + character);
  }

  function subjArgument(values, environment) {
    return subjectRdns(values, environment)
      .map(([type, value]) => `/${type}=${escapeSubjValue(value)}`)
      .join("");
  }

  function needsUtf8(values, environment) {
    // eslint-disable-next-line no-control-regex
    return subjectRdns(values, environment).some(([, value]) => /[^\x00-\x7F]/.test(value));
  }

  // bash, sh, zsh and Git Bash: inside single quotes nothing is special but the single quote itself.
  function quoteBash(text) {
    return "'" + text.replace(/'/g, "'\\''") + "'";
  }

  // PowerShell: inside single quotes nothing is special but a single quote, and PowerShell takes the
  // typographic ones (U+2018, U+2019, U+201A, U+201B) as single quotes too; each is escaped by doubling.
  function quotePowerShell(text) {
    return "'" + text.replace(/['\u2018\u2019\u201A\u201B]/g, (quote) => quote + quote) + "'";
  }

  function quoteFor(language) {
    return language === "powershell" ? quotePowerShell : quoteBash;
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /** The environment a block stands for: the one its tab is named after, else the one chosen. */
  function blockEnvironment(tabLabel, chosenId, environments) {
    const byTab = environments.find((environment) => environment.name === tabLabel);
    return byTab || environmentById(environments, chosenId) || environments[0];
  }

  const SUBJ = /(?:-utf8 )?-subj '[^']*'/g;

  /**
   * `text` (a block as the Markdown shows it, filled with DEFAULTS) filled with `values` for
   * `environment`, in the quoting of `language` ("bash", "powershell", "python", "text", ...).
   * `values` must have passed check().
   */
  function fillBlock(text, language, values, environment, environments) {
    const clean = normalized(values);
    const ids = environments.map((e) => escapeRegExp(e.id)).join("|");
    const clientFile = new RegExp(`(?<![\\w.-])${escapeRegExp(DEFAULT_STEM)}-(?:${ids})\\.([A-Za-z0-9]+)(?![\\w-])`, "g");
    const caFile = new RegExp(`(?<![\\w.-])${escapeRegExp(CA_STEM)}-(?:${ids})\\.crt(?![\\w-])`, "g");
    const hosts = environments
      .map((e) => e.host)
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|");
    // File names and hosts first, the subject last: a value typed into the subject is never rewritten.
    return text
      .replace(clientFile, (_, extension) => `${clean.stem}-${environment.id}.${extension}`)
      .replace(caFile, `${CA_STEM}-${environment.id}.crt`)
      .replace(new RegExp(`(?<![\\w.-])(?:${hosts})(?![\\w-])`, "g"), environment.host)
      .replace(SUBJ, () => {
        const utf8 = needsUtf8(clean, environment) ? "-utf8 " : "";
        return `${utf8}-subj ${quoteFor(language)(subjArgument(clean, environment))}`;
      });
  }

  /**
   * Parse an RFC 4514 string (as the validator's report details give a subject: most significant RDN
   * last) into [[type, value], ...] in certificate order. Multi-valued RDNs are flattened in order.
   * Values in #hex form are kept as written.
   */
  function parseRfc4514(text) {
    const rdns = [];
    let attributes = [];
    let type = "";
    let bytes = [];
    let inValue = false;
    const encoder = new TextEncoder();
    const flush = () => {
      attributes.push([type.trim(), new TextDecoder().decode(new Uint8Array(bytes))]);
      type = "";
      bytes = [];
      inValue = false;
    };
    for (let index = 0; index < text.length; index += 1) {
      const character = text[index];
      if (!inValue) {
        if (character === "=") inValue = true;
        else type += character;
        continue;
      }
      if (character === "\\") {
        const pair = text.slice(index + 1, index + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
          bytes.push(parseInt(pair, 16));
          index += 2;
        } else {
          const next = String.fromCodePoint(text.codePointAt(index + 1));
          bytes.push(...encoder.encode(next));
          index += next.length;
        }
      } else if (character === "+" || character === ",") {
        flush();
        if (character === ",") {
          rdns.push(attributes);
          attributes = [];
        }
      } else {
        bytes.push(...encoder.encode(text.slice(index, index + (text.codePointAt(index) > 0xffff ? 2 : 1))));
        if (text.codePointAt(index) > 0xffff) index += 1;
      }
    }
    if (inValue) flush();
    if (attributes.length) rdns.push(attributes);
    return rdns.reverse().flat();
  }

  /**
   * Compare a CSR's subject (RFC 4514, as in the validator's details["subject"]) with the values typed in
   * "Your details" for `environment`. Returns one message per field that differs, naming the field;
   * an empty list when the subject is exactly the one the filled command makes.
   */
  function compareSubject(subjectRfc4514, values, environment) {
    const expected = subjectRdns(normalized(values), environment);
    const actual = parseRfc4514(subjectRfc4514);
    const names = { C: LABELS.c, O: LABELS.o, OU: "Environment (OU)", CN: LABELS.cn };
    const differences = [];
    for (const [type, value] of expected) {
      const found = actual.filter(([actualType]) => actualType === type).map(([, actualValue]) => actualValue);
      if (found.length === 0) {
        differences.push(`${names[type]}: the CSR has no ${type}; your details say "${value}".`);
      } else if (found.length > 1) {
        differences.push(`${names[type]}: the CSR has ${found.length} ${type} values (${found.map((v) => `"${v}"`).join(", ")}); your details say one, "${value}". A "+" or "/" in a value was probably not escaped.`);
      } else if (found[0] !== value) {
        differences.push(`${names[type]}: the CSR says "${found[0]}", your details say "${value}".`);
      }
    }
    const extra = actual.filter(([type]) => !names[type]).map(([type, value]) => `${type}=${value}`);
    if (extra.length) {
      differences.push(`The CSR has fields your details do not: ${extra.join(", ")}. A "/" in a value was probably not escaped.`);
    }
    return differences;
  }

  /** The DEFAULTS for one environment, as check() takes them. */
  function defaults(environmentId) {
    return { ...DEFAULTS, environment: environmentId };
  }

  return Object.freeze({
    DEFAULTS,
    UPPER_BOUNDS,
    LABELS,
    check,
    defaults,
    subjectRdns,
    subjArgument,
    escapeSubjValue,
    needsUtf8,
    quoteBash,
    quotePowerShell,
    blockEnvironment,
    fillBlock,
    parseRfc4514,
    compareSubject,
  });
});
