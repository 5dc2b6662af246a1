//! Successions of the 2025 reform (reform.md, "Unit lifecycle"): import the succession file
//! (`POST /v1/units/successions`, `doanket units successions`), which records who took over whom
//! and marks the units that ended `dissolving`; read a unit's predecessors and successors.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::users::Operator;
use super::{AppError, AppResult};
use crate::audit::Change;
use crate::auth::AuthUser;
use crate::db::successions::{self, NewSuccession};
use crate::db::units::{self, UnitRow};
use crate::domain::field::FieldError;
use crate::domain::succession_file::{line_error, Parsed, SuccessionRecord};
use crate::domain::Tier;
use crate::views::reports::ReportPredecessor;
use crate::views::successions::{SuccessionLink, SuccessionsView};

/// What an import did.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SuccessionCounts {
    /// Rows newly recorded (continuing rows included).
    pub created: i64,
    /// Rows already recorded identically.
    pub unchanged: i64,
    /// Units this import changed from `active` to `dissolving`, districts included.
    pub dissolving: i64,
    /// Predecessors the file says ended whose code is, in the tree, a unit that other units were
    /// merged into (a code reused by the new list): recorded, but left `active` — which of its
    /// money and records leave is a decision for a person, not for the import.
    pub kept_active: Vec<KeptActive>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeptActive {
    pub line: u64,
    pub unit_code: String,
}

/// Why an import recorded nothing: the lines that cannot be placed, or a refusal.
#[derive(Debug, thiserror::Error)]
pub enum SuccessionFailure {
    #[error("{} lines cannot be placed", .0.len())]
    Lines(Vec<FieldError>),
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<diesel::result::Error> for SuccessionFailure {
    fn from(e: diesel::result::Error) -> Self {
        SuccessionFailure::App(e.into())
    }
}

/// Records the file's lines inside the caller's transaction. Every line must be readable, name
/// units of the tree of the tier it says (a district's successor is a province), and agree with
/// what was recorded before; any that does not makes the whole import fail, naming each such
/// line (those the file's reading found, and those placing it finds).
pub async fn import(
    conn: &mut AsyncPgConnection,
    by: Operator<'_>,
    file: Parsed,
) -> Result<SuccessionCounts, SuccessionFailure> {
    let Parsed {
        records,
        errors: mut file_errors,
    } = file;
    let codes: Vec<&str> = records
        .iter()
        .flat_map(|r| [r.predecessor.as_str(), r.successor.as_str()])
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let found = successions::units_by_code(conn, &codes).await?;
    let mut errors = Vec::new();
    let mut placed: Vec<(&SuccessionRecord, &UnitRow, &UnitRow)> = Vec::new();
    for r in &records {
        let predecessor = place(
            &found,
            r,
            r.predecessor.as_str(),
            "predecessor_code",
            &mut errors,
        );
        let successor = place(
            &found,
            r,
            r.successor.as_str(),
            "successor_code",
            &mut errors,
        );
        let (Some(p), Some(s)) = (predecessor, successor) else {
            continue;
        };
        let before = errors.len();
        // The national file lists the island districts without communes (Bạch Long Vĩ, Cồn Cỏ,
        // Hoàng Sa, Lý Sơn, Côn Đảo), which became special zones of commune rank, as `commune`
        // lines: the line's tier is the successor's, and such a district may succeed into it.
        let predecessor_fits =
            p.tier() == r.tier || (p.tier() == Tier::District && r.tier == Tier::Commune);
        if !predecessor_fits {
            errors.push(line_error(
                r.line,
                "tier",
                format!("{} is a {}, not a {}", p.code, p.tier(), r.tier),
                format!("{} là cấp {}, không phải {}", p.code, p.tier(), r.tier),
            ));
        }
        let successor_tier_fits =
            s.tier() == r.tier || (r.tier == Tier::District && s.tier() == Tier::Province);
        // a line whose predecessor is of another tier is named once, for its tier
        if errors.len() == before && !successor_tier_fits {
            errors.push(line_error(
                r.line,
                "successor_code",
                format!(
                    "{} is a {}: a {} cannot succeed to it",
                    s.code,
                    s.tier(),
                    r.tier
                ),
                format!(
                    "{} là cấp {}: một {} không thể kế thừa vào đó",
                    s.code,
                    s.tier(),
                    r.tier
                ),
            ));
        }
        if errors.len() == before {
            placed.push((r, p, s));
        }
    }

    let predecessor_ids: Vec<Uuid> = placed.iter().map(|(_, p, _)| p.id).collect();
    let recorded = successions::recorded_for(conn, &predecessor_ids).await?;
    let mut counts = SuccessionCounts::default();
    let mut new_rows = Vec::new();
    for (r, p, s) in &placed {
        match recorded.get(&(p.id, s.id)) {
            Some((share, on)) if share == r.share.as_str() && *on == r.effective_on => {
                counts.unchanged += 1;
            }
            Some((share, on)) => errors.push(line_error(
                r.line,
                "share",
                format!(
                    "{} → {} was recorded before as `{share}` from {on}",
                    p.code, s.code
                ),
                format!(
                    "{} → {} đã được ghi trước đó là `{share}` từ {on}",
                    p.code, s.code
                ),
            )),
            None => new_rows.push(NewSuccession {
                predecessor_id: p.id,
                successor_id: s.id,
                share: r.share.as_str(),
                effective_on: r.effective_on,
                recorded_by: by.user_id(),
            }),
        }
    }
    if !errors.is_empty() || !file_errors.is_empty() {
        file_errors.extend(errors);
        file_errors.sort_by_key(|e| e.line);
        return Err(SuccessionFailure::Lines(file_errors));
    }
    counts.created = successions::insert(conn, &new_rows).await? as i64;

    // A predecessor that is not its own successor has ended — unless the tree has other units
    // merged into it (its code was reused by the new list for the unit they were merged into).
    let continuing: HashSet<Uuid> = placed
        .iter()
        .filter(|(r, _, _)| r.is_continuing())
        .map(|(_, p, _)| p.id)
        .collect();
    let ending: HashMap<Uuid, (&SuccessionRecord, &UnitRow)> = placed
        .iter()
        .filter(|(r, p, _)| !r.is_continuing() && !continuing.contains(&p.id))
        .map(|(r, p, _)| (p.id, (*r, *p)))
        .collect();
    let ids: Vec<Uuid> = ending.keys().copied().collect();
    let reused: HashSet<Uuid> = successions::successors_of_others(conn, &ids)
        .await?
        .into_iter()
        .collect();
    let mut kept_active: Vec<KeptActive> = Vec::new();
    let (mut ids, mut from) = (Vec::new(), Vec::new());
    for (id, (r, p)) in &ending {
        if reused.contains(id) {
            kept_active.push(KeptActive {
                line: r.line,
                unit_code: p.code.clone(),
            });
        } else {
            ids.push(*id);
            from.push(r.effective_on);
        }
    }
    kept_active.sort_by_key(|k| k.line);
    counts.kept_active = kept_active;
    counts.dissolving = successions::mark_dissolving(conn, &ids, &from).await? as i64;
    counts.dissolving += successions::mark_empty_districts_dissolving(conn).await? as i64;

    if counts.created > 0 || counts.dissolving > 0 {
        let central = units::ensure_central(conn).await?;
        by.record(
            conn,
            Change {
                action: "unit.successions",
                target_type: "unit",
                target_id: Some(central.id),
                unit_id: Some(central.id),
                changes: serde_json::json!({
                    "created": counts.created,
                    "unchanged": counts.unchanged,
                    "dissolving": counts.dissolving,
                }),
            },
        )
        .await?;
    }
    Ok(counts)
}

/// The unit of `code` in `found`, or an error on the line's `field`.
fn place<'a>(
    found: &'a HashMap<String, UnitRow>,
    r: &SuccessionRecord,
    code: &str,
    field: &str,
    errors: &mut Vec<FieldError>,
) -> Option<&'a UnitRow> {
    let unit = found.get(code);
    if unit.is_none() {
        errors.push(line_error(
            r.line,
            field,
            format!("no unit has the code `{code}` (import the unit lists first)"),
            format!("không có đơn vị mã `{code}` (hãy nhập danh sách đơn vị trước)"),
        ));
    }
    unit
}

/// A unit's predecessors and successors: 404 outside the caller's scope.
pub async fn of_unit(
    conn: &mut AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> AppResult<SuccessionsView> {
    super::lookups::unit_authorized(conn, &user.scope, crate::auth::scope::Right::Read, id).await?;
    Ok(SuccessionsView {
        predecessors: successions::predecessors(conn, id)
            .await?
            .into_iter()
            .map(SuccessionLink::from)
            .collect(),
        successors: successions::successors(conn, id)
            .await?
            .into_iter()
            .map(SuccessionLink::from)
            .collect(),
    })
}

/// The dissolved predecessors a report of a unit carries (`include_predecessors=true`), each
/// with its last day, and how the report shows them.
pub struct Carried {
    pub ids: Vec<Uuid>,
    pub last_days: Vec<NaiveDate>,
    pub views: Vec<ReportPredecessor>,
}

/// The predecessors of `unit` whose figures its reports carry: every dissolved unit recorded as
/// its predecessor, and theirs in turn (`db::successions::forebears`). The caller has been
/// authorized at `unit`; reading them through it is the rule of `Scope::authorize_through_heirs`.
pub async fn carried(conn: &mut AsyncPgConnection, unit: Uuid) -> AppResult<Carried> {
    let rows = successions::forebears(conn, unit).await?;
    Ok(Carried {
        ids: rows.iter().map(|f| f.unit_id).collect(),
        last_days: rows.iter().map(|f| f.dissolved_on).collect(),
        views: rows.into_iter().map(ReportPredecessor::from).collect(),
    })
}
