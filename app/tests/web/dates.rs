//! How the app shows a time: as the browser's own `toLocaleString` would, in
//! the same time zone, without building a locale formatter.

use clientele_app::format_date;
use wasm_bindgen_test::*;

fn intl(rfc3339: &str) -> String {
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        js_sys::Reflect::set(&options, &key.into(), &value.into()).unwrap();
    }
    js_sys::Date::new(&rfc3339.into())
        .to_locale_string("en-GB", &options)
        .into()
}

#[wasm_bindgen_test]
fn every_month_and_hour_reads_as_the_browser_says() {
    for month in 1..=12 {
        for (day, time) in [
            (1, "00:05:59"),
            (9, "09:30:00"),
            (28, "18:22:59"),
            (30, "23:59:00"),
        ] {
            if month == 2 && day == 30 {
                continue;
            }
            let at = format!("2026-{month:02}-{day:02}T{time}Z");
            assert_eq!(format_date(&at), intl(&at), "{at}");
        }
    }
}

#[wasm_bindgen_test]
fn what_is_not_a_time_is_shown_as_it_came() {
    assert_eq!(format_date("not a time"), "not a time");
    assert_eq!(format_date(""), "");
}
