//! One order of answers for every four-eyes decision (README "Spending"): outside the scope
//! 404, without the approver role at the deciding unit 403 `forbidden`, the submitter 403
//! `same_person` whatever the state, then 409 `invalid_state`. Each spending resource's tests
//! call `the_decision_order_holds` on one of its items; this module holds the walk they share.

use serde_json::{json, Value};

use crate::helpers::{TestApp, TestUser};

/// A submitted (or proposed) item and the people around it.
pub struct Decidable<'a> {
    pub app: &'a TestApp,
    /// e.g. `/v1/disbursements/{id}`; the actions are posted to `{item}/{action}`.
    pub item: String,
    /// The decisions this resource has, first `approve`, and `cancel` among them.
    pub actions: &'a [&'a str],
    /// Submitted the item and also holds `approver` at the deciding unit.
    pub submitter: &'a TestUser,
    /// Another approver of the deciding unit.
    pub approver: &'a TestUser,
    /// Sees the item (a role at the deciding unit) but is no approver there.
    pub no_approver: &'a TestUser,
    /// An approver who cannot see the item.
    pub outsider: &'a TestUser,
}

impl Decidable<'_> {
    async fn decide(&self, who: &TestUser, action: &str) -> reqwest::Response {
        // every decision takes a reason (a house's cancel requires one)
        let body = json!({"reason": format!("{action}: kiểm tra thứ tự")});
        self.app
            .post(&format!("{}/{action}", self.item), &who.token, &body)
            .await
    }

    async fn refused(&self, who: &TestUser, action: &str, status: u16, code: &str) {
        let res = self.decide(who, action).await;
        let got = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert!(
            got == status && body.contains(&format!("\"code\":\"{code}\"")),
            "{action} on {} by {}: expected {status} {code}, got {got} {body}",
            self.item,
            who.username,
        );
    }

    async fn done(&self, who: &TestUser, action: &str, to: &str) {
        let res = self.decide(who, action).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 200, "{action} on {}: {body}", self.item);
        assert_eq!(body["status"], to, "{action} on {}", self.item);
    }

    /// Every check in order, in every state the item passes through: submitted, approved,
    /// cancelled.
    async fn every_refusal(&self, state: &str) {
        for &action in self.actions {
            self.refused(self.outsider, action, 404, "not_found").await;
            self.refused(self.no_approver, action, 403, "forbidden")
                .await;
            self.refused(self.submitter, action, 403, "same_person")
                .await;
        }
        // the state is the last thing answered, and only to someone who may decide
        if state != "submitted" {
            self.refused(self.approver, "approve", 409, "invalid_state")
                .await;
        }
        if state == "cancelled" {
            self.refused(self.approver, "cancel", 409, "invalid_state")
                .await;
        }
    }
}

/// Walks the item from submitted to approved to cancelled, asserting at each state that the
/// outsider, the non-approver and the submitter are refused in the one order, and that another
/// approver hears about the state.
pub async fn the_decision_order_holds(item: Decidable<'_>) {
    item.every_refusal("submitted").await;
    item.done(item.approver, "approve", "approved").await;
    item.every_refusal("approved").await;
    if item.actions.contains(&"reject") {
        item.refused(item.approver, "reject", 409, "invalid_state")
            .await;
    }
    item.done(item.approver, "cancel", "cancelled").await;
    item.every_refusal("cancelled").await;
}
