//! Queries on the unit tree. Scope filters use the `ancestry` array: a unit is inside the
//! scope of unit S exactly when S's id is in its ancestry.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Nullable, Text, Uuid as SqlUuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::schema::{accounts, unit_names, units};
use crate::domain::text::fold;
use crate::domain::unit_file::{self, ExistingUnit, UnitRecord};
use crate::domain::unit_life::{UnitLife, UnitStatus};
use crate::domain::{Tier, UnitCode, UnitId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub full_name: String,
    pub kind: Option<String>,
    pub tier: String,
    pub parent_id: Option<Uuid>,
    pub ancestry: Vec<Uuid>,
    pub path: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub dissolving_from: Option<NaiveDate>,
    pub dissolved_on: Option<NaiveDate>,
}

impl UnitRow {
    /// Where the unit stands in its life. The table's CHECKs tie the dates to the status
    /// (`units_end_dated`, `units_dissolved_on`), so each status has its date.
    pub fn life(&self) -> UnitLife {
        match (
            self.status.as_str(),
            self.dissolving_from,
            self.dissolved_on,
        ) {
            ("dissolved", _, Some(on)) => UnitLife::Dissolved { on },
            ("dissolving", Some(from), _) => UnitLife::Dissolving { from },
            _ => UnitLife::Active,
        }
    }

    pub fn unit_id(&self) -> UnitId {
        UnitId(self.id)
    }

    pub fn tier(&self) -> Tier {
        // the column's CHECK constraint admits only the four tiers
        Tier::parse(&self.tier).unwrap_or(Tier::Commune)
    }

    /// Whether this unit lies in the subtree of `root` (itself included).
    pub fn is_within(&self, root: Uuid) -> bool {
        self.ancestry.contains(&root)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = units)]
pub struct NewUnit<'a> {
    pub id: Uuid,
    pub code: &'a str,
    pub name: &'a str,
    pub full_name: &'a str,
    pub kind: Option<&'a str>,
    pub tier: &'a str,
    pub parent_id: Option<Uuid>,
    pub search_text: String,
}

pub fn search_text(code: &str, name: &str, full_name: &str) -> String {
    fold(&format!("{code} {name} {full_name}"))
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<UnitRow>> {
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_code(
    conn: &mut AsyncPgConnection,
    code: &str,
) -> QueryResult<Option<UnitRow>> {
    units::table
        .filter(units::code.eq(code))
        .select(UnitRow::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_many(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<Vec<UnitRow>> {
    units::table
        .filter(units::id.eq_any(ids))
        .select(UnitRow::as_select())
        .load(conn)
        .await
}

pub struct UnitFilter<'a> {
    /// Units whose ancestry overlaps these ids (the caller's scope roots).
    pub scope: &'a [Uuid],
    pub parent_id: Option<Uuid>,
    pub tier: Option<Tier>,
    pub status: Option<UnitStatus>,
    /// Folded search text (see `domain::text::fold`).
    pub q: Option<String>,
    /// Keyset: codes strictly after this one.
    pub after_code: Option<String>,
    pub limit: i64,
}

/// Units in scope matching the filter, ordered by code.
pub async fn list(conn: &mut AsyncPgConnection, f: UnitFilter<'_>) -> QueryResult<Vec<UnitRow>> {
    let mut query = units::table
        .filter(units::ancestry.overlaps_with(f.scope))
        .select(UnitRow::as_select())
        .order(units::code.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(parent) = f.parent_id {
        query = query.filter(units::parent_id.eq(parent));
    }
    if let Some(tier) = f.tier {
        query = query.filter(units::tier.eq(tier.as_str()));
    }
    if let Some(status) = f.status {
        query = query.filter(units::status.eq(status.as_str()));
    }
    if let Some(q) = f.q {
        query = query.filter(units::search_text.like(format!("%{}%", escape_like(&q))));
    }
    if let Some(after) = f.after_code {
        query = query.filter(units::code.gt(after));
    }
    query.load(conn).await
}

pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Inserts one unit; the database places it in the tree and opens its fund and chart.
pub async fn insert(conn: &mut AsyncPgConnection, unit: &NewUnit<'_>) -> QueryResult<UnitRow> {
    diesel::insert_into(units::table)
        .values(unit)
        .returning(UnitRow::as_returning())
        .get_result(conn)
        .await
}

/// The central unit, created when missing (the root of every imported tree).
pub async fn ensure_central(conn: &mut AsyncPgConnection) -> QueryResult<UnitRow> {
    let code = UnitCode::central();
    let name = "Trung ương";
    let full_name = "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam";
    diesel::insert_into(units::table)
        .values(&NewUnit {
            id: Uuid::now_v7(),
            code: code.as_str(),
            name,
            full_name,
            kind: None,
            tier: Tier::Central.as_str(),
            parent_id: None,
            search_text: search_text(code.as_str(), name, full_name),
        })
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    find_by_code(conn, code.as_str())
        .await?
        .ok_or(diesel::result::Error::NotFound)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportCounts {
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] unit_file::UnitFileError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Imports parsed records idempotently; must run inside the caller's transaction.
pub async fn import(
    conn: &mut AsyncPgConnection,
    records: Vec<UnitRecord>,
) -> Result<ImportCounts, ImportError> {
    ensure_central(conn).await?;
    let parents = diesel::alias!(units as parents);
    // (id, code, parent code, tier, name, full name, kind)
    type Row = (
        Uuid,
        String,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
    );
    let rows: Vec<Row> = units::table
        .left_join(parents.on(units::parent_id.eq(parents.field(units::id).nullable())))
        .select((
            units::id,
            units::code,
            parents.field(units::code).nullable(),
            units::tier,
            units::name,
            units::full_name,
            units::kind,
        ))
        .load(conn)
        .await?;
    let mut ids: HashMap<String, Uuid> = HashMap::with_capacity(rows.len() + records.len());
    let mut existing = HashMap::with_capacity(rows.len());
    for (id, code, parent_code, tier, name, full_name, kind) in rows {
        ids.insert(code.clone(), id);
        let tier = Tier::parse(&tier).unwrap_or(Tier::Commune);
        existing.insert(
            code.clone(),
            ExistingUnit {
                code,
                parent_code,
                tier,
                name,
                full_name,
                kind,
            },
        );
    }

    let plan = unit_file::plan(records, &existing)?;
    for r in &plan.create {
        ids.insert(r.code.to_string(), Uuid::now_v7());
    }

    // One INSERT per tier level, parents first, so the placing trigger always finds the parent
    // committed by an earlier statement; chunks stay under PostgreSQL's bind-parameter limit.
    for tier in Tier::ALL {
        let level: Vec<NewUnit> = plan
            .create
            .iter()
            .filter(|r| r.tier == tier)
            .map(|r| NewUnit {
                id: ids[r.code.as_str()],
                code: r.code.as_str(),
                name: &r.name,
                full_name: &r.full_name,
                kind: r.kind.as_deref(),
                tier: r.tier.as_str(),
                parent_id: Some(ids[r.parent_code.as_str()]),
                search_text: search_text(r.code.as_str(), &r.name, &r.full_name),
            })
            .collect();
        for chunk in level.chunks(5_000) {
            diesel::insert_into(units::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
    }

    if !plan.update.is_empty() {
        let codes: Vec<&str> = plan.update.iter().map(|r| r.code.as_str()).collect();
        let parent_ids: Vec<Uuid> = plan
            .update
            .iter()
            .map(|r| ids[r.parent_code.as_str()])
            .collect();
        let names: Vec<&str> = plan.update.iter().map(|r| r.name.as_str()).collect();
        let full_names: Vec<&str> = plan.update.iter().map(|r| r.full_name.as_str()).collect();
        let kinds: Vec<Option<&str>> = plan.update.iter().map(|r| r.kind.as_deref()).collect();
        let search: Vec<String> = plan
            .update
            .iter()
            .map(|r| search_text(r.code.as_str(), &r.name, &r.full_name))
            .collect();
        diesel::sql_query(
            "UPDATE units u SET parent_id = v.parent_id, name = v.name, full_name = v.full_name, \
                    kind = v.kind, search_text = v.search_text, updated_at = now() \
               FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[]) \
                    AS v(code, parent_id, name, full_name, kind, search_text) \
              WHERE u.code = v.code",
        )
        .bind::<Array<Text>, _>(&codes)
        .bind::<Array<SqlUuid>, _>(&parent_ids)
        .bind::<Array<Text>, _>(&names)
        .bind::<Array<Text>, _>(&full_names)
        .bind::<Array<Nullable<Text>>, _>(&kinds)
        .bind::<Array<Text>, _>(&search)
        .execute(conn)
        .await?;
    }

    Ok(ImportCounts {
        created: plan.create.len() as i64,
        updated: plan.update.len() as i64,
        unchanged: plan.unchanged as i64,
    })
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct AccountRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub code: String,
    pub name: String,
    pub account_type: String,
}

/// The fund's chart of accounts, by code.
pub async fn chart(conn: &mut AsyncPgConnection, unit: Uuid) -> QueryResult<Vec<AccountRow>> {
    accounts::table
        .filter(accounts::unit_id.eq(unit))
        .select(AccountRow::as_select())
        .order(accounts::code.asc())
        .load(conn)
        .await
}

/// `true` when `id` is inside the subtree of any of `roots` (one indexed lookup).
pub async fn is_within_any(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    roots: &[Uuid],
) -> QueryResult<bool> {
    units::table
        .filter(units::id.eq(id))
        .filter(units::ancestry.overlaps_with(roots))
        .count()
        .get_result::<i64>(conn)
        .await
        .map(|n| n > 0)
}

/// Every unit in the subtrees of `roots`.
pub async fn in_subtrees(
    conn: &mut AsyncPgConnection,
    roots: &[Uuid],
) -> QueryResult<Vec<UnitRow>> {
    units::table
        .filter(units::ancestry.overlaps_with(roots))
        .select(UnitRow::as_select())
        .load(conn)
        .await
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = unit_names)]
pub struct FormerNameRow {
    pub name: String,
    pub full_name: String,
    pub parent_id: Option<Uuid>,
    pub valid_until: Option<NaiveDate>,
}

/// The names `id` had before its current one, newest first.
pub async fn former_names(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Vec<FormerNameRow>> {
    unit_names::table
        .filter(unit_names::unit_id.eq(id))
        .order(unit_names::replaced_at.desc())
        .select(FormerNameRow::as_select())
        .load(conn)
        .await
}
