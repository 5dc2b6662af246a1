//! The queries every spending table shares, written once: a row by id, read or locked for a
//! change (`keyed_row!`, used by grants, Tết batches, transfers and houses), and the four-eyes
//! decision recorded on a locked row. The database holds the lifecycle (`spending_guard`,
//! `houses_guard`) and the four-eyes rule as constraints; these queries only read and write.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::disbursements::DisbursementRow;
use super::houses::{self, HouseRow};
use super::schema::{disbursements, tet_batches, transfers};
use super::tet_batches::TetBatchRow;
use super::transfers::TransferRow;
use crate::domain::spending::{Kind, Status};

/// `row`, `find` and `lock` of a table keyed by `id`, for its row type: `lock` holds the row
/// until the caller's transaction ends, so concurrent changes of one row queue there and the
/// second sees the first one's state.
macro_rules! keyed_row {
    ($table:ident, $row:ty) => {
        /// The row `id`, locked (`FOR UPDATE`) when `lock` is set.
        pub async fn row(
            conn: &mut diesel_async::AsyncPgConnection,
            id: uuid::Uuid,
            lock: bool,
        ) -> diesel::QueryResult<Option<$row>> {
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;
            let q = super::schema::$table::table
                .find(id)
                .select(<$row>::as_select());
            if lock {
                q.for_update().first(conn).await.optional()
            } else {
                q.first(conn).await.optional()
            }
        }

        pub async fn find(
            conn: &mut diesel_async::AsyncPgConnection,
            id: uuid::Uuid,
        ) -> diesel::QueryResult<Option<$row>> {
            row(conn, id, false).await
        }

        /// The row locked for a change: concurrent changes of one row queue here.
        pub async fn lock(
            conn: &mut diesel_async::AsyncPgConnection,
            id: uuid::Uuid,
        ) -> diesel::QueryResult<$row> {
            row(conn, id, true)
                .await?
                .ok_or(diesel::result::Error::NotFound)
        }
    };
}
pub(crate) use keyed_row;

/// A row of one of the spending tables.
#[derive(Debug, Clone)]
pub enum SpendingRow {
    Grant(DisbursementRow),
    TetBatch(TetBatchRow),
    Transfer(TransferRow),
    House(HouseRow),
}

impl SpendingRow {
    /// The unit whose fund pays and whose approvers decide: a transfer's sender, a house's
    /// funding unit.
    pub fn unit_id(&self) -> Uuid {
        match self {
            SpendingRow::Grant(g) => g.unit_id,
            SpendingRow::TetBatch(b) => b.unit_id,
            SpendingRow::Transfer(t) => t.from_unit_id,
            SpendingRow::House(h) => h.funding_unit_id,
        }
    }

    /// Another unit whose people see the row: a transfer's receiver.
    pub fn other_unit_id(&self) -> Option<Uuid> {
        match self {
            SpendingRow::Transfer(t) => Some(t.to_unit_id),
            _ => None,
        }
    }

    pub fn submitted_by(&self) -> Uuid {
        match self {
            SpendingRow::Grant(g) => g.submitted_by,
            SpendingRow::TetBatch(b) => b.submitted_by,
            SpendingRow::Transfer(t) => t.submitted_by,
            SpendingRow::House(h) => h.submitted_by,
        }
    }

    /// The stored status, as stored.
    pub fn status(&self) -> &str {
        match self {
            SpendingRow::Grant(g) => g.status.as_str(),
            SpendingRow::TetBatch(b) => &b.status,
            SpendingRow::Transfer(t) => t.status.as_str(),
            SpendingRow::House(h) => &h.status,
        }
    }
}

/// The row `id` of the table of `kind`, locked (`FOR UPDATE`) when `lock` is set.
pub async fn row(
    conn: &mut AsyncPgConnection,
    kind: Kind,
    id: Uuid,
    lock: bool,
) -> QueryResult<Option<SpendingRow>> {
    Ok(match kind {
        Kind::Grant => super::disbursements::row(conn, id, lock)
            .await?
            .map(SpendingRow::Grant),
        Kind::TetBatch => super::tet_batches::row(conn, id, lock)
            .await?
            .map(SpendingRow::TetBatch),
        Kind::Transfer => super::transfers::row(conn, id, lock)
            .await?
            .map(SpendingRow::Transfer),
        Kind::House => houses::row(conn, id, lock).await?.map(SpendingRow::House),
    })
}

/// Approve, reject or cancel, on a row locked in the caller's transaction: the new status and
/// who decided, when and why. A house keeps its approval (with the committee's `evidence`) and
/// its cancellation (with the reason) in columns of their own.
pub async fn decide(
    conn: &mut AsyncPgConnection,
    locked: &SpendingRow,
    to: Status,
    by: Uuid,
    reason: Option<&str>,
    evidence: &serde_json::Value,
) -> QueryResult<SpendingRow> {
    macro_rules! decided {
        ($table:ident, $row:ty, $variant:ident, $id:expr) => {
            diesel::update($table::table.find($id))
                .set((
                    $table::status.eq(to.as_str()),
                    $table::decided_by.eq(by),
                    $table::decided_at.eq(diesel::dsl::now),
                    $table::decision_reason.eq(reason),
                ))
                .returning(<$row>::as_returning())
                .get_result(conn)
                .await
                .map(SpendingRow::$variant)
        };
    }
    match locked {
        SpendingRow::Grant(g) => decided!(disbursements, DisbursementRow, Grant, g.id),
        SpendingRow::TetBatch(b) => decided!(tet_batches, TetBatchRow, TetBatch, b.id),
        SpendingRow::Transfer(t) => decided!(transfers, TransferRow, Transfer, t.id),
        SpendingRow::House(h) if to == Status::Approved => {
            houses::approve(conn, h.id, by, evidence)
                .await
                .map(SpendingRow::House)
        }
        SpendingRow::House(h) => houses::cancel(conn, h.id, by, reason.unwrap_or_default())
            .await
            .map(SpendingRow::House),
    }
}
