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

  // RFC 5280 (section 7.1) compares names after LDAP StringPrep (RFC 4518), which refuses code points that
  // Unicode 3.2 did not assign (RFC 3454, table A.1), private-use ones, non-characters and U+FFFD. A
  // subject with one cannot be compared, and the validator cannot read it: emoji are such code points.
  // The table is RFC 3454's A.1 as ranges (hex); tests/guide/test_details.py checks it against Python's
  // stringprep module, which the validator's parser uses.
  const UNASSIGNED_IN_UNICODE_3_2 = (
    "221,234-24f,2ae-2af,2ef-2ff,350-35f,370-373,376-379,37b-37d,37f-383,38b,38d,3a2,3cf,3f7-3ff,487," +
    "4cf,4f6-4f7,4fa-4ff,510-530,557-558,560,588,58b-590,5a2,5ba,5c5-5cf,5eb-5ef,5f5-60b,60d-61a," +
    "61c-61e,620,63b-63f,656-65f,6ee-6ef,6ff,70e,72d-72f,74b-77f,7b2-900,904,93a-93b,94e-94f,955-957," +
    "971-980,984,98d-98e,991-992,9a9,9b1,9b3-9b5,9ba-9bb,9bd,9c5-9c6,9c9-9ca,9ce-9d6,9d8-9db,9de," +
    "9e4-9e5,9fb-a01,a03-a04,a0b-a0e,a11-a12,a29,a31,a34,a37,a3a-a3b,a3d,a43-a46,a49-a4a,a4e-a58,a5d," +
    "a5f-a65,a75-a80,a84,a8c,a8e,a92,aa9,ab1,ab4,aba-abb,ac6,aca,ace-acf,ad1-adf,ae1-ae5,af0-b00,b04," +
    "b0d-b0e,b11-b12,b29,b31,b34-b35,b3a-b3b,b44-b46,b49-b4a,b4e-b55,b58-b5b,b5e,b62-b65,b71-b81,b84," +
    "b8b-b8d,b91,b96-b98,b9b,b9d,ba0-ba2,ba5-ba7,bab-bad,bb6,bba-bbd,bc3-bc5,bc9,bce-bd6,bd8-be6," +
    "bf3-c00,c04,c0d,c11,c29,c34,c3a-c3d,c45,c49,c4e-c54,c57-c5f,c62-c65,c70-c81,c84,c8d,c91,ca9,cb4," +
    "cba-cbd,cc5,cc9,cce-cd4,cd7-cdd,cdf,ce2-ce5,cf0-d01,d04,d0d,d11,d29,d3a-d3d,d44-d45,d49,d4e-d56," +
    "d58-d5f,d62-d65,d70-d81,d84,d97-d99,db2,dbc,dbe-dbf,dc7-dc9,dcb-dce,dd5,dd7,de0-df1,df5-e00," +
    "e3b-e3e,e5c-e80,e83,e85-e86,e89,e8b-e8c,e8e-e93,e98,ea0,ea4,ea6,ea8-ea9,eac,eba,ebe-ebf,ec5,ec7," +
    "ece-ecf,eda-edb,ede-eff,f48,f6b-f70,f8c-f8f,f98,fbd,fcd-fce,fd0-fff,1022,1028,102b,1033-1035," +
    "103a-103f,105a-109f,10c6-10cf,10f9-10fa,10fc-10ff,115a-115e,11a3-11a7,11fa-11ff,1207,1247,1249," +
    "124e-124f,1257,1259,125e-125f,1287,1289,128e-128f,12af,12b1,12b6-12b7,12bf,12c1,12c6-12c7,12cf," +
    "12d7,12ef,130f,1311,1316-1317,131f,1347,135b-1360,137d-139f,13f5-1400,1677-167f,169d-169f," +
    "16f1-16ff,170d,1715-171f,1737-173f,1754-175f,176d,1771,1774-177f,17dd-17df,17ea-17ff,180f," +
    "181a-181f,1878-187f,18aa-1dff,1e9c-1e9f,1efa-1eff,1f16-1f17,1f1e-1f1f,1f46-1f47,1f4e-1f4f,1f58," +
    "1f5a,1f5c,1f5e,1f7e-1f7f,1fb5,1fc5,1fd4-1fd5,1fdc,1ff0-1ff1,1ff5,1fff,2053-2056,2058-205e," +
    "2064-2069,2072-2073,208f-209f,20b2-20cf,20eb-20ff,213b-213c,214c-2152,2184-218f,23cf-23ff," +
    "2427-243f,244b-245f,24ff,2614-2615,2618,267e-267f,268a-2700,2705,270a-270b,2728,274c,274e," +
    "2753-2755,2757,275f-2760,2795-2797,27b0,27bf-27cf,27ec-27ef,2b00-2e7f,2e9a,2ef4-2eff,2fd6-2fef," +
    "2ffc-2fff,3040,3097-3098,3100-3104,312d-3130,318f,31b8-31ef,321d-321f,3244-3250,327c-327e," +
    "32cc-32cf,32ff,3377-337a,33de-33df,33ff,4db6-4dff,9fa6-9fff,a48d-a48f,a4c7-abff,d7a4-d7ff," +
    "fa2e-fa2f,fa6b-faff,fb07-fb12,fb18-fb1c,fb37,fb3d,fb3f,fb42,fb45,fbb2-fbd2,fd40-fd4f,fd90-fd91," +
    "fdc8-fdcf,fdfd-fdff,fe10-fe1f,fe24-fe2f,fe47-fe48,fe53,fe67,fe6c-fe6f,fe75,fefd-fefe,ff00," +
    "ffbf-ffc1,ffc8-ffc9,ffd0-ffd1,ffd8-ffd9,ffdd-ffdf,ffe7,ffef-fff8,10000-102ff,1031f,10324-1032f," +
    "1034b-103ff,10426-10427,1044e-1cfff,1d0f6-1d0ff,1d127-1d129,1d1de-1d3ff,1d455,1d49d,1d4a0-1d4a1," +
    "1d4a3-1d4a4,1d4a7-1d4a8,1d4ad,1d4ba,1d4bc,1d4c1,1d4c4,1d506,1d50b-1d50c,1d515,1d51d,1d53a,1d53f," +
    "1d545,1d547-1d549,1d551,1d6a4-1d6a7,1d7ca-1d7cd,1d800-1fffd,2a6d7-2f7ff,2fa1e-2fffd,30000-3fffd," +
    "40000-4fffd,50000-5fffd,60000-6fffd,70000-7fffd,80000-8fffd,90000-9fffd,a0000-afffd,b0000-bfffd," +
    "c0000-cfffd,d0000-dfffd,e0000,e0002-e001f,e0080-efffd"
  )
    .split(",")
    .map((range) => range.split("-").map((bound) => parseInt(bound, 16)))
    .map(([low, high]) => [low, high === undefined ? low : high]);

  function unassigned(codePoint) {
    let low = 0;
    let high = UNASSIGNED_IN_UNICODE_3_2.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const [first, last] = UNASSIGNED_IN_UNICODE_3_2[middle];
      if (codePoint < first) high = middle - 1;
      else if (codePoint > last) low = middle + 1;
      else return true;
    }
    return false;
  }

  function notInNames(character) {
    const point = character.codePointAt(0);
    return (
      unassigned(point) ||
      /\p{Co}/u.test(character) ||
      (point >= 0xfdd0 && point <= 0xfdef) ||
      (point & 0xfffe) === 0xfffe ||
      point === 0xfffd
    );
  }
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
    const refused = Array.from(value).find(notInNames);
    if (refused) {
      return `${label} contains "${refused}" (${hex(refused)}), which a certificate name cannot carry: names are compared by RFC 4518's rules, which refuse characters Unicode 3.2 did not have, such as emoji. Remove it.`;
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
    UNASSIGNED_IN_UNICODE_3_2,
    compareSubject,
  });
});
