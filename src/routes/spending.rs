//! What the spending resources (disbursements, Tết batches, transfers, houses) share at the
//! HTTP edge: the body of a decision, and the checks that answer 409 `invalid_state` and 403
//! `same_person` before the database's own constraints would refuse the same change.
//!
//! Every four-eyes decision (approve, reject, cancel of a grant, a Tết batch or a transfer;
//! approve and cancel of a house) answers in one order: outside the caller's scope 404, without
//! the approver role at the deciding unit 403 `forbidden`, the submitter 403 `same_person`, a
//! state that does not allow it 409 `invalid_state`. Who may decide is a right of the caller
//! (security.md: "never their own submission"), so it is answered before the item's state,
//! whatever that state is. The last two are read from the row locked in the decision's own
//! transaction, through `decision`.

use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::spending::{self, Action, Kind, Status};
use crate::domain::text;
use crate::error::{ApiError, ApiResult, Code};
use crate::i18n::Lang;
use crate::vocabulary;

/// Body of approve, reject and cancel: an optional reason (recorded and audited).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

impl Decision {
    /// The cleaned reason; 422 when it is empty or too long.
    pub fn reason(&self) -> ApiResult<Option<String>> {
        match &self.reason {
            None => Ok(None),
            Some(r) => text::clean(r, 1000).map(Some).ok_or_else(|| {
                ApiError::field("reason", "1 to 1000 characters", "từ 1 đến 1000 ký tự")
            }),
        }
    }
}

/// The state `action` leads to from the stored `status`, or 409 `invalid_state`.
pub fn transition(kind: Kind, status: &str, action: Action) -> ApiResult<Status> {
    Status::parse(status)
        .and_then(|from| spending::next(kind, from, action))
        .ok_or_else(|| {
            ApiError::new(Code::InvalidState).detail(
                format!("not allowed while {status}"),
                format!(
                    "không thực hiện được khi đang ở trạng thái {}",
                    vocabulary::term(status, Lang::Vi)
                ),
            )
        })
}

/// The four-eyes and state checks of a decision on a row locked in the decision's
/// transaction, in the order of the module comment: 403 `same_person` before 409
/// `invalid_state`. Gives the state the decision leads to.
pub fn decision(
    kind: Kind,
    action: Action,
    decider: Uuid,
    submitter: Uuid,
    status: &str,
) -> ApiResult<Status> {
    four_eyes(decider, submitter)?;
    transition(kind, status, action)
}

/// Four eyes: 403 `same_person` when the decider submitted it.
fn four_eyes(decider: Uuid, submitter: Uuid) -> ApiResult<()> {
    if spending::may_decide(decider, submitter) {
        Ok(())
    } else {
        Err(ApiError::new(Code::SamePerson).detail(
            "The submitter may not decide their own submission: another approver of the unit must.",
            "Người đề xuất không được tự quyết định đề xuất của mình: cần một người phê duyệt (approver) khác của đơn vị.",
        ))
    }
}
