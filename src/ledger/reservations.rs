//! Reservations (ledger.md): approving spending reserves its amount, paying uses it, and
//! rejection, cancellation, settlement or hand-over release what is left. PostgreSQL refuses a
//! reservation the fund cannot cover (`no_overdraft` → 409 `insufficient_funds`) under the
//! fund's spend lock, so concurrent approvals never over-commit; and money leaving the fund may
//! not eat what is reserved. This module only speaks to those rules.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::{Numeric, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::db::balances::UNRESTRICTED;
use crate::db::schema::reservations;
use crate::domain::spending::Kind;

/// Which money a reservation holds: cash and bank together, or donated goods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pool {
    /// 1111 and every 1121.N
    Money,
    /// 1551
    Goods,
}

impl Pool {
    pub fn as_str(self) -> &'static str {
        match self {
            Pool::Money => "money",
            Pool::Goods => "goods",
        }
    }
}

/// The spending a reservation belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Grant(Uuid),
    TetBatch(Uuid),
    Transfer(Uuid),
    House(Uuid),
}

impl Holder {
    /// The reservation of the spending `id` of `kind`.
    pub fn of(kind: Kind, id: Uuid) -> Holder {
        match kind {
            Kind::Grant => Holder::Grant(id),
            Kind::TetBatch => Holder::TetBatch(id),
            Kind::Transfer => Holder::Transfer(id),
            Kind::House => Holder::House(id),
        }
    }

    /// As stored: the kind's record name (`disbursement`, `tet_batch`, ...) and the id.
    fn parts(self) -> (&'static str, Uuid) {
        let (kind, id) = match self {
            Holder::Grant(id) => (Kind::Grant, id),
            Holder::TetBatch(id) => (Kind::TetBatch, id),
            Holder::Transfer(id) => (Kind::Transfer, id),
            Holder::House(id) => (Kind::House, id),
        };
        (kind.record_name(), id)
    }
}

/// Reserves `amount` of `pool` money carrying `earmark` (None: unrestricted) in `unit`'s fund.
/// Fails with `no_overdraft` (409 `insufficient_funds`) when it does not fit.
pub async fn reserve(
    conn: &mut AsyncPgConnection,
    unit: Uuid,
    earmark: Option<Uuid>,
    pool: Pool,
    holder: Holder,
    amount: Decimal,
) -> QueryResult<()> {
    let (source_type, source_id) = holder.parts();
    diesel::insert_into(reservations::table)
        .values((
            reservations::unit_id.eq(unit),
            reservations::campaign_id.eq(earmark.unwrap_or(UNRESTRICTED)),
            reservations::pool.eq(pool.as_str()),
            reservations::source_type.eq(source_type),
            reservations::source_id.eq(source_id),
            reservations::amount.eq(amount),
        ))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Records that `amount` of the holder's `pool` reservation was paid out. Paying more than was
/// reserved breaks `reservations_used_within`; returns false when there is no open reservation.
pub async fn consume(
    conn: &mut AsyncPgConnection,
    holder: Holder,
    pool: Pool,
    amount: Decimal,
) -> QueryResult<bool> {
    let (source_type, source_id) = holder.parts();
    let n = diesel::update(
        reservations::table
            .filter(reservations::source_type.eq(source_type))
            .filter(reservations::source_id.eq(source_id))
            .filter(reservations::pool.eq(pool.as_str()))
            .filter(reservations::released_at.is_null()),
    )
    .set(reservations::used.eq(reservations::used + amount))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Frees whatever the holder's reservations have not used (every pool).
pub async fn release(conn: &mut AsyncPgConnection, holder: Holder) -> QueryResult<()> {
    let (source_type, source_id) = holder.parts();
    diesel::update(
        reservations::table
            .filter(reservations::source_type.eq(source_type))
            .filter(reservations::source_id.eq(source_id))
            .filter(reservations::released_at.is_null()),
    )
    .set(reservations::released_at.eq(diesel::dsl::now))
    .execute(conn)
    .await
    .map(|_| ())
}

#[derive(Debug, QueryableByName)]
struct OutstandingRow {
    #[diesel(sql_type = Text)]
    pool: String,
    #[diesel(sql_type = SqlUuid)]
    campaign_id: Uuid,
    #[diesel(sql_type = Numeric)]
    outstanding: Decimal,
}

/// What approvals still hold in a fund, per (pool, earmark); the nil UUID is unrestricted.
#[derive(Debug, Clone, Default)]
pub struct Outstanding(HashMap<(Pool, Uuid), Decimal>);

impl Outstanding {
    pub fn get(&self, pool: Pool, earmark: Uuid) -> Decimal {
        self.0.get(&(pool, earmark)).copied().unwrap_or_default()
    }

    /// Everything one earmark holds, money and goods.
    pub fn of_earmark(&self, earmark: Uuid) -> Decimal {
        self.get(Pool::Money, earmark) + self.get(Pool::Goods, earmark)
    }

    /// Everything held in one pool, whatever the earmark.
    pub fn of_pool(&self, pool: Pool) -> Decimal {
        self.0
            .iter()
            .filter(|((p, _), _)| *p == pool)
            .map(|(_, v)| *v)
            .sum()
    }
}

pub async fn outstanding(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Outstanding> {
    let rows: Vec<OutstandingRow> = diesel::sql_query(
        "SELECT pool, campaign_id, sum(amount - used) AS outstanding \
           FROM reservations WHERE unit_id = $1 AND released_at IS NULL \
          GROUP BY pool, campaign_id",
    )
    .bind::<SqlUuid, _>(unit)
    .load(conn)
    .await?;
    Ok(Outstanding(
        rows.into_iter()
            .map(|r| {
                let pool = if r.pool == "goods" {
                    Pool::Goods
                } else {
                    Pool::Money
                };
                ((pool, r.campaign_id), r.outstanding)
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_holders_are_stored_under_their_record_names() {
        let id = Uuid::now_v7();
        for (kind, stored) in [
            (Kind::Grant, "disbursement"),
            (Kind::TetBatch, "tet_batch"),
            (Kind::Transfer, "transfer"),
            (Kind::House, "house"),
        ] {
            assert_eq!(Holder::of(kind, id).parts(), (stored, id));
        }
    }
}
