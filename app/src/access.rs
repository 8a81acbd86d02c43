//! Who goes where. Each part of the app sits behind a [`Gate`] that sends
//! people who may not use it to the part they may: signed-out people to
//! sign-in (remembering the page they asked for), client users to their
//! portal, the practice's staff to Solo Clients. Also the one line that tells
//! staff who can deactivate and reactivate.

use crate::session::{Area, Auth, SignedOutBy};
use crate::store::next_task;
use clientele_core::permissions::who_can_change;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::location::Location;

/// The sign-in page.
pub const SIGN_IN: &str = "/sign-in";

/// Shows `children` while `redirect` is `None`, and otherwise goes to where
/// it says, replacing the page in the history so Back does not return to a
/// page that only sends the person away again.
///
/// The move happens in a task of its own: drawing the page the person is
/// sent to (a new visitor at `/` goes on to sign-in) in the same task as the
/// gate made one long task in which the page could not answer input.
#[component]
pub fn Gate(redirect: Memo<Option<String>>, children: ChildrenFn) -> impl IntoView {
    let navigate = use_navigate();
    move || match redirect.get() {
        None => Some(children()),
        Some(path) => {
            let navigate = navigate.clone();
            spawn_local(async move {
                next_task().await;
                // Unless, by then, the gate no longer sends there (or is gone).
                if redirect.try_get_untracked().flatten().as_deref() == Some(path.as_str()) {
                    let replace = NavigateOptions {
                        replace: true,
                        ..Default::default()
                    };
                    navigate(&path, replace);
                }
            });
            None
        }
    }
}

/// Where the practice's pages send anyone else.
pub fn practice_only() -> Memo<Option<String>> {
    redirect_unless(Area::Practice)
}

/// Where the portal sends anyone but a client user.
pub fn portal_only() -> Memo<Option<String>> {
    redirect_unless(Area::Portal)
}

fn redirect_unless(wanted: Area) -> Memo<Option<String>> {
    let auth = expect_context::<Auth>();
    let location = use_location();
    Memo::new(move |_| {
        let area = auth.area();
        (area != wanted).then(|| match area {
            // Read untracked: once the redirect has moved on, the page that
            // was asked for must not change into the sign-in page itself.
            Area::SignIn(by) => sign_in_url(by, &path_and_query(&location)),
            Area::Practice | Area::Portal => home(area).to_owned(),
        })
    })
}

/// Where the sign-in page sends someone once they are signed in: the page
/// they first asked for, or their home.
pub fn signed_out_only() -> Memo<Option<String>> {
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    Memo::new(move |_| match auth.area() {
        Area::SignIn(_) => None,
        area => {
            let next = query.with_untracked(|query| query.get("next"));
            Some(
                next.as_deref()
                    .and_then(safe_next)
                    .unwrap_or(home(area))
                    .to_owned(),
            )
        }
    })
}

/// The page as the address bar shows it, such as `/clients?tab=active`.
fn path_and_query(location: &Location) -> String {
    let path = location.pathname.get_untracked();
    // The router keeps the query without its "?".
    match location.search.get_untracked() {
        query if query.is_empty() => path,
        query => format!("{path}?{}", query.trim_start_matches('?')),
    }
}

/// The first page of each part of the app.
fn home(area: Area) -> &'static str {
    match area {
        Area::Practice => "/clients",
        Area::Portal => "/portal",
        Area::SignIn(_) => SIGN_IN,
    }
}

/// The sign-in page, coming back to `here` afterwards unless the person
/// chose to sign out (then the next person starts at their own home).
pub fn sign_in_url(by: SignedOutBy, here: &str) -> String {
    if by == SignedOutBy::SigningOut || safe_next(here).is_none_or(|here| here == "/") {
        return SIGN_IN.to_owned();
    }
    let next = String::from(js_sys::encode_uri_component(here));
    format!("{SIGN_IN}?next={next}")
}

/// `next` if it is a path on this site: one "/" and then not another, nor a
/// backslash, which browsers read as "//"; no control characters, which URL
/// parsing drops ("/\t/evil.example" is "//evil.example"); and, to be sure,
/// read by the browser as a URL of this very origin. So sign-in never leads to
/// another site. Not the sign-in page itself either.
pub fn safe_next(next: &str) -> Option<&str> {
    let rest = next.strip_prefix('/')?;
    let leaves_site = rest.starts_with('/')
        || rest.starts_with('\\')
        || next.chars().any(char::is_control)
        || !stays_on_this_origin(next);
    let is_sign_in = next == SIGN_IN || next.starts_with(&format!("{SIGN_IN}?"));
    (!leaves_site && !is_sign_in).then_some(next)
}

fn stays_on_this_origin(path: &str) -> bool {
    let Some(origin) = web_sys::window().and_then(|window| window.location().origin().ok()) else {
        return false;
    };
    web_sys::Url::new_with_base(path, &origin).is_ok_and(|url| url.origin() == origin)
}

/// "Only a practice admin can…", for staff who may read but not change
/// clients; nothing for those who may.
#[component]
pub fn WhoCanChange() -> impl IntoView {
    let auth = expect_context::<Auth>();
    move || {
        auth.principal()
            .as_ref()
            .and_then(who_can_change)
            .map(|line| view! { <p class="who-can-change" role="note">{line}</p> })
    }
}
