//! The rules of getting clients in: names, emails, client codes, adding a
//! business, and invitations.

use crate::fixtures::*;
use clientele_core::onboarding::{
    INVITATION_LIFETIME_MS, OnboardingError, accept_invitation, can_add_business, client_code,
    code_is_free, email, email_is_free_in, link_expired, link_expires_at, name, needs_new_link,
    renew_invitation,
};
use clientele_core::{ErrorKind, RuleError, Timestamp};

#[test]
fn names_are_1_to_200_characters_after_trimming() {
    assert_eq!(name("client name", "  Acme Ltd ").unwrap(), "Acme Ltd");
    assert_eq!(
        name("client name", "   "),
        Err(OnboardingError::Name("client name"))
    );
    assert!(name("business name", &"é".repeat(200)).is_ok());
    assert!(name("business name", &"é".repeat(201)).is_err());
    assert!(name("name", "tab\there").is_err());
    assert!(
        name("client name", "")
            .unwrap_err()
            .to_string()
            .contains("client name")
    );
}

#[test]
fn an_email_needs_something_either_side_of_one_at_sign() {
    assert_eq!(email(" Priya@Acme.Example ").unwrap(), "priya@acme.example");
    for bad in [
        "priya",
        "@acme.example",
        "priya@",
        "a@b@c",
        "pri ya@acme.example",
    ] {
        assert_eq!(email(bad), Err(OnboardingError::Email), "{bad}");
    }
}

#[test]
fn an_email_is_unique_within_one_account() {
    let client = active_client();
    assert_eq!(
        email_is_free_in(&client, "PRIYA@acme.example"),
        Err(OnboardingError::EmailInAccount)
    );
    assert_eq!(email_is_free_in(&client, "new@acme.example"), Ok(()));
}

#[test]
fn a_client_code_is_optional_short_and_unique_in_the_practice_whatever_its_case() {
    assert_eq!(client_code("  "), Ok(None));
    assert_eq!(client_code(" AC-01 "), Ok(Some("AC-01".into())));
    assert_eq!(client_code(&"x".repeat(51)), Err(OnboardingError::Code));
    assert_eq!(
        code_is_free("ac-01", ["AC-01", "BR-02"]),
        Err(OnboardingError::CodeTaken)
    );
    assert_eq!(code_is_free("CO-03", ["AC-01", "BR-02"]), Ok(()));
}

#[test]
fn a_business_can_only_be_added_to_an_active_client() {
    assert_eq!(can_add_business(&active_client()), Ok(()));
    assert_eq!(
        can_add_business(&deactivated_client()),
        Err(OnboardingError::ClientDeactivated)
    );
}

#[test]
fn an_invitation_is_accepted_once_within_seven_days() {
    let made = Timestamp(1_000);
    assert_eq!(
        accept_invitation(made, false, Timestamp(1_000 + 60_000)),
        Ok(())
    );
    assert_eq!(
        accept_invitation(made, true, Timestamp(2_000)),
        Err(OnboardingError::InvitationUsed)
    );
    assert_eq!(
        accept_invitation(made, false, Timestamp(1_000 + INVITATION_LIFETIME_MS)),
        Err(OnboardingError::InvitationExpired)
    );
    assert_eq!(
        accept_invitation(made, false, Timestamp(INVITATION_LIFETIME_MS)),
        Ok(()),
        "a moment before the seven days are up"
    );
}

#[test]
fn a_link_stops_working_seven_days_after_it_was_made() {
    let made = Timestamp(5_000);
    assert!(!link_expired(made, made));
    assert!(!link_expired(
        made,
        Timestamp(5_000 + INVITATION_LIFETIME_MS - 1)
    ));
    assert!(link_expired(
        made,
        Timestamp(5_000 + INVITATION_LIFETIME_MS)
    ));
    assert_eq!(
        link_expires_at(made),
        Timestamp(5_000 + INVITATION_LIFETIME_MS)
    );
}

#[test]
fn a_user_needs_a_new_link_when_theirs_expired_or_they_have_none() {
    let made = Timestamp(5_000);
    let later = Timestamp(5_000 + INVITATION_LIFETIME_MS);
    assert!(!needs_new_link(false, Some(made), made));
    assert!(needs_new_link(false, Some(made), later));
    assert!(needs_new_link(false, None, made));
    assert!(!needs_new_link(true, None, later), "they sign in");
}

#[test]
fn a_new_link_is_for_a_user_of_the_account_who_has_not_signed_up() {
    for client in [active_client(), deactivated_client()] {
        assert_eq!(
            renew_invitation(&client, BOOKKEEPER, false).map(|user| user.id),
            Ok(BOOKKEEPER),
            "whatever the client's status: {:?}",
            client.status
        );
        assert_eq!(
            renew_invitation(&client, OWNER, false).map(|user| user.id),
            Ok(OWNER),
            "the account owner too, who cannot be removed and added again"
        );
    }
    let client = active_client();
    let signed_up = renew_invitation(&client, BOOKKEEPER, true).unwrap_err();
    assert_eq!(
        signed_up,
        RuleError::Onboarding(OnboardingError::SignedUpAlready)
    );
    assert_eq!(signed_up.code(), "signed_up_already");
    assert_eq!(signed_up.kind(), ErrorKind::Conflict);
    let stranger = renew_invitation(&client, STRANGER, false).unwrap_err();
    assert_eq!(stranger, RuleError::UserNotFound(STRANGER));
    assert_eq!(stranger.kind(), ErrorKind::NotFound);
}

#[test]
fn every_refusal_has_a_code_and_a_sentence() {
    for error in [
        OnboardingError::Name("name"),
        OnboardingError::Email,
        OnboardingError::EmailInAccount,
        OnboardingError::EmailTaken,
        OnboardingError::Code,
        OnboardingError::CodeTaken,
        OnboardingError::ClientDeactivated,
        OnboardingError::InvitationUsed,
        OnboardingError::InvitationExpired,
        OnboardingError::NothingToEdit,
        OnboardingError::SignedUpAlready,
    ] {
        assert!(!error.code().is_empty());
        assert!(error.to_string().ends_with('.'), "{error}");
    }
}
