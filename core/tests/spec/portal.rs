//! What a client's own users are told: the banners and their role in the
//! account; and what a document file may be.

use crate::fixtures::*;
use clientele_core::documents::{FileRefusal, ReceiptKind, clean_file_name};
use clientele_core::portal::{account_banner, account_role_label, business_banner};
use clientele_core::{Status, UserId};

const PRACTICE: &str = "Harper & Lowe Bookkeeping";

#[test]
fn a_deactivated_account_says_the_practice_no_longer_manages_it() {
    assert_eq!(account_banner(PRACTICE, &active_client()), None);
    assert_eq!(
        account_banner(PRACTICE, &deactivated_client()).unwrap(),
        "Harper & Lowe Bookkeeping no longer manages this account. You can still sign in and \
         view your documents. New documents will not be extracted."
    );
}

#[test]
fn a_deactivated_business_of_a_managed_account_has_its_own_banner() {
    let client = client_with_deactivated_cafe();
    let cafe = client.business(CAFE).unwrap();
    let shop = client.business(SHOP).unwrap();
    let banner = business_banner(PRACTICE, &client, cafe).unwrap();
    assert!(banner.contains("no longer manages Acme Cafe"), "{banner}");
    assert!(banner.contains("will not be extracted"), "{banner}");
    assert_eq!(business_banner(PRACTICE, &client, shop), None);
    // The account's banner covers the businesses of a deactivated account.
    let deactivated = deactivated_client();
    assert_eq!(
        business_banner(PRACTICE, &deactivated, deactivated.business(CAFE).unwrap()),
        None
    );
}

#[test]
fn the_account_owner_is_named_before_their_role() {
    let mut client = active_client();
    assert_eq!(account_role_label(&client, OWNER), "Account owner");
    assert_eq!(account_role_label(&client, BOOKKEEPER), "Standard");
    client.users[0].role = clientele_core::Role::Admin;
    client.owner = BOOKKEEPER;
    assert_eq!(account_role_label(&client, OWNER), "Admin");
    assert_eq!(account_role_label(&client, BOOKKEEPER), "Account owner");
    assert_eq!(account_role_label(&client, UserId(404)), "Standard");
    assert_eq!(client.status, Status::Active);
}

#[test]
fn only_receipt_types_are_documents() {
    for (media, kind) in [
        ("application/pdf", ReceiptKind::Pdf),
        ("image/png", ReceiptKind::Png),
        ("image/jpeg", ReceiptKind::Jpeg),
        ("image/heif", ReceiptKind::Heic),
        ("image/heic", ReceiptKind::Heic),
        ("image/tiff", ReceiptKind::Tiff),
    ] {
        assert_eq!(ReceiptKind::from_media_type(media), Some(kind));
    }
    for other in [
        "application/x-msdownload",
        "text/html",
        "image/gif",
        "application/zip",
    ] {
        assert_eq!(ReceiptKind::from_media_type(other), None, "{other}");
    }
    assert_eq!(ReceiptKind::Heic.content_type(), "image/heic");
    assert_eq!(FileRefusal::TooLarge.code(), "file_too_large");
    assert_eq!(FileRefusal::UnsupportedType.code(), "unsupported_file_type");
    assert!(FileRefusal::TooLarge.to_string().contains("20 MiB"));
}

#[test]
fn file_names_keep_only_their_last_part_without_control_characters() {
    assert_eq!(clean_file_name("receipt.pdf"), "receipt.pdf");
    assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
    assert_eq!(clean_file_name("C:\\scans\\till roll.png"), "till roll.png");
    assert_eq!(clean_file_name("bad\u{0}\u{7}name\n.pdf"), "badname.pdf");
    assert_eq!(clean_file_name("../"), "document");
    assert_eq!(clean_file_name("..."), "document");
    assert_eq!(clean_file_name("   "), "document");
    assert_eq!(clean_file_name(&"x".repeat(300)).chars().count(), 255);
}
