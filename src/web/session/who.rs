//! Who a request is from, as the extractors in `session` establish it: plain
//! data that pages (the layout among them) can take without the extractors.

use tower_sessions::Session;

use crate::db::TenantId;
use crate::db::people::{Roles, User};

/// A signed-in person.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user: User,
    pub session: Session,
}

/// A signed-in member of the active organisation.
#[derive(Clone, Debug)]
pub struct Member {
    pub user: User,
    pub session: Session,
    pub org: TenantId,
    pub org_name: String,
    pub roles: Roles,
}
