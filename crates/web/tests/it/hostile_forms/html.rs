//! Reading a page's forms as a browser sends them: fields, their kinds and values.

use super::values::values_for;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Text,
    Date,
    Number,
    Choice,
    Check,
    Hidden,
    Button,
    File,
}

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub(super) name: String,
    pub(super) value: String,
    /// Whether a browser sends it as the page gave it (an unticked box is not sent).
    pub(super) sent: bool,
    pub(super) kind: Kind,
    /// A select's option values.
    pub(super) options: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) struct Form {
    pub(super) action: String,
    /// Whether the form names its action (else it posts to its page).
    pub(super) explicit: bool,
    pub(super) multipart: bool,
    pub(super) fields: Vec<Field>,
}

/// `&amp;`, `&quot;`, `&#x27;`, `&#47;` … back to their characters.
pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e < 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            e if e.starts_with("#x") || e.starts_with("#X") => {
                u32::from_str_radix(&e[2..], 16).ok().and_then(char::from_u32)
            }
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `>` that ends the tag `s` begins with, quotes respected.
pub(super) fn tag_end(s: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// A tag's attributes, after its name: `(name, value)`, the value None for a bare attribute.
pub(super) fn attrs(s: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'/' {
            i += 1;
        }
        if start == i {
            break;
        }
        let name = s[start..i].to_ascii_lowercase();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            let value = if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                let q = b[i];
                let vs = i + 1;
                i = vs;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                let v = &s[vs..i.min(b.len())];
                i += 1;
                v
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                &s[vs..i]
            };
            out.push((name, Some(unescape(value))));
        } else {
            out.push((name, None));
        }
    }
    out
}

pub(super) fn attr<'a>(a: &'a [(String, Option<String>)], name: &str) -> Option<&'a str> {
    a.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.as_deref())
}

pub(super) fn has(a: &[(String, Option<String>)], name: &str) -> bool {
    a.iter().any(|(k, _)| k == name)
}

/// The fields of a form's body, in order.
pub(super) fn fields(body: &str) -> Vec<Field> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(i) = body[pos..].find('<') {
        let start = pos + i;
        let tag: String = body[start + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let Some(end) = tag_end(&body[start..]) else { break };
        let a = attrs(&body[start + 1 + tag.len()..start + end]);
        pos = start + end + 1;
        let Some(name) = attr(&a, "name").map(str::to_owned) else { continue };
        if has(&a, "disabled") {
            continue;
        }
        let field = |value: &str, sent: bool, kind: Kind| Field {
            name: name.clone(),
            value: value.to_owned(),
            sent,
            kind,
            options: Vec::new(),
        };
        match tag.as_str() {
            "input" => {
                let ty = attr(&a, "type").unwrap_or("text").to_ascii_lowercase();
                let value = attr(&a, "value").unwrap_or("");
                out.push(match ty.as_str() {
                    "checkbox" | "radio" => {
                        field(if value.is_empty() { "on" } else { value }, has(&a, "checked"), Kind::Check)
                    }
                    "hidden" => field(value, true, Kind::Hidden),
                    "date" | "month" => field(value, true, Kind::Date),
                    "number" => field(value, true, Kind::Number),
                    "file" => field("", false, Kind::File),
                    "submit" | "image" | "button" | "reset" => field(value, false, Kind::Button),
                    _ => field(value, true, Kind::Text),
                });
            }
            "button" => {
                let ty = attr(&a, "type").unwrap_or("submit");
                if ty == "submit" {
                    out.push(field(attr(&a, "value").unwrap_or(""), false, Kind::Button));
                }
            }
            "textarea" => {
                let close = body[pos..].find("</textarea>").unwrap_or(0);
                let text = unescape(&body[pos..pos + close]);
                // The HTML parser drops one newline right after the start tag.
                let text = text.strip_prefix('\n').unwrap_or(&text).to_owned();
                out.push(field(&text, true, Kind::Text));
                pos += close;
            }
            "select" => {
                let close = body[pos..].find("</select>").unwrap_or(0);
                let inner = &body[pos..pos + close];
                pos += close;
                let mut options = Vec::new();
                let mut selected = Vec::new();
                let mut p = 0;
                while let Some(j) = inner[p..].find("<option") {
                    let s = p + j;
                    let Some(e) = tag_end(&inner[s..]) else { break };
                    let oa = attrs(&inner[s + 7..s + e]);
                    p = s + e + 1;
                    let text_end = inner[p..].find('<').map_or(inner.len(), |k| p + k);
                    let value = attr(&oa, "value").map_or_else(|| unescape(inner[p..text_end].trim()), str::to_owned);
                    if has(&oa, "selected") {
                        selected.push(value.clone());
                    }
                    if !has(&oa, "disabled") {
                        options.push(value);
                    }
                }
                let multiple = has(&a, "multiple");
                if selected.is_empty() && !multiple {
                    selected.extend(options.first().cloned());
                }
                if selected.is_empty() {
                    out.push(Field { options: options.clone(), ..field("", false, Kind::Choice) });
                }
                for v in selected {
                    out.push(Field { options: options.clone(), ..field(&v, true, Kind::Choice) });
                }
            }
            _ => {}
        }
    }
    // A browser sends the button pressed: the first named one.
    if let Some(b) = out.iter_mut().find(|f| f.kind == Kind::Button) {
        b.sent = true;
    }
    out
}

/// Every `<form method="post">` of a page; one without an action posts to the page.
pub(super) fn forms(html: &str, page: &str) -> Vec<Form> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let after = &rest[i..];
        let Some(gt) = tag_end(after) else { break };
        let a = attrs(&after[5..gt]);
        let close = after.find("</form>").unwrap_or(after.len());
        let body = &after[gt.min(close)..close];
        rest = &after[(gt + 1).max(close).min(after.len())..];
        if !attr(&a, "method").is_some_and(|m| m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let explicit = attr(&a, "action").is_some_and(|s| !s.is_empty());
        let action = attr(&a, "action").filter(|s| !s.is_empty()).unwrap_or(page).to_owned();
        let multipart = attr(&a, "enctype").is_some_and(|e| e.contains("multipart"));
        out.push(Form { action, explicit, multipart, fields: fields(body) });
    }
    out
}

/// What a 422 must contain to be the form shown again: its action (a form that posts to its
/// own page has none, and the page's other forms do: then any form).
pub(super) fn shown_again(form: &Form) -> String {
    match &form.explicit {
        true => format!("action=\"{}\"", form.action.replace('&', "&amp;")),
        false => "<form".into(),
    }
}

/// The form's action with record numbers as `{n}` and without its query: forms repeated per
/// record (each user's 停用) are fed once.
pub(super) fn shape(action: &str) -> String {
    let path = action.split('?').next().unwrap_or(action);
    path.split('/')
        .map(|seg| if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() { "{n}" } else { seg })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_form_scan_reads_fields_as_a_browser_sends_them() {
    let html = r#"<form method="get" action="/x"><input name="q"></form>
        <form method="post" action="/a/12/edit?_csrf=t" class="c"><input type="hidden" name="_csrf" value="t">
        <input name="title" value="A &amp; B &#x27;x&#x27;"><input type="checkbox" name="flag" value="1">
        <input type="checkbox" name="units" value="3" checked><select name="kind"><option value="">—</option>
        <option value="b" selected>乙</option></select><textarea name="note">
line &lt;1&gt;</textarea><input type="date" name="held_on" value="2026-11-02" disabled>
        <button type="submit" name="action" value="start">开始</button><button name="action" value="stop">停</button></form>
        <form method="post"><input name="x"></form>"#;
    let f = forms(html, "/page");
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].action, "/a/12/edit?_csrf=t");
    assert_eq!(shape(&f[0].action), "/a/{n}/edit");
    let sent: Vec<(&str, &str)> =
        f[0].fields.iter().filter(|x| x.sent).map(|x| (x.name.as_str(), x.value.as_str())).collect();
    assert_eq!(
        sent,
        [
            ("_csrf", "t"),
            ("title", "A & B 'x'"),
            ("units", "3"),
            ("kind", "b"),
            ("note", "line <1>"),
            ("action", "start")
        ]
    );
    assert_eq!(f[1].action, "/page");
    let kind = f[0].fields.iter().find(|x| x.name == "kind").unwrap();
    assert!(values_for("kind", kind, 0).contains(&"汉".repeat(20_001)));
    let date = Field { name: "due_on".into(), value: String::new(), sent: true, kind: Kind::Date, options: vec![] };
    assert!(values_for("due_on", &date, 0).contains(&"2026/13/45".to_owned()));
}
