//! A coach's short profile as the admin writes it: a headline and a few
//! sentences, read by coachees choosing their coach from a shortlist.

use serde::Deserialize;

use crate::db::coach_choice::Profile;
use crate::web::forms::problems::FieldErrors;

pub(super) const HEADLINE_MAX: usize = 120;
pub(super) const BIO_MAX: usize = 1000;

#[derive(Clone, Debug, Default, Deserialize)]
pub(super) struct ProfileForm {
    #[serde(default)]
    pub headline: String,
    #[serde(default)]
    pub bio: String,
}

impl ProfileForm {
    pub(super) fn of(profile: Profile) -> ProfileForm {
        ProfileForm {
            headline: profile.headline,
            bio: profile.bio,
        }
    }

    pub(super) fn check(&self) -> Result<Profile, FieldErrors> {
        let mut problems = FieldErrors::default();
        let headline = self.headline.trim();
        let bio = self.bio.trim();
        let headline_length = headline.chars().count();
        if headline_length > HEADLINE_MAX {
            problems.set(
                "headline",
                format!(
                    "Keep the headline to {HEADLINE_MAX} characters; it has {headline_length}."
                ),
            );
        } else if crate::web::names::breaks_lines(headline) {
            problems.set("headline", "Keep the headline on one line.");
        }
        let bio_length = bio.chars().count();
        if bio_length > BIO_MAX {
            problems.set(
                "bio",
                format!(
                    "Keep the profile to {BIO_MAX} characters, a few sentences; it has {bio_length}."
                ),
            );
        }
        if problems.any() {
            return Err(problems);
        }
        Ok(Profile {
            headline: headline.to_owned(),
            bio: bio.to_owned(),
        })
    }
}
