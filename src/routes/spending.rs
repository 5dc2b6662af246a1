//! What the spending resources (disbursements, Tết batches, transfers, houses) share at the
//! HTTP edge: the body of a decision, and the checks that answer 409 `invalid_state` and 403
//! `same_person` before the database's own constraints would refuse the same change.

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

/// Four eyes: 403 `same_person` when the decider submitted it.
pub fn four_eyes(decider: Uuid, submitter: Uuid) -> ApiResult<()> {
    if spending::may_decide(decider, submitter) {
        Ok(())
    } else {
        Err(ApiError::new(Code::SamePerson).detail(
            "The submitter may not decide their own submission: another approver of the unit must.",
            "Người đề xuất không được tự quyết định đề xuất của mình: cần một người phê duyệt (approver) khác của đơn vị.",
        ))
    }
}
