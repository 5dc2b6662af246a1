//! Scope rules of `security.md`, in one place. A role held at unit U covers U and everything
//! below it for reading; writes need the right role at the right unit. Outside the caller's
//! scope things do not exist (404); inside it, a missing right is 403.

use uuid::Uuid;

use crate::app::{AppError, AppResult};
use crate::db::units::UnitRow;
use crate::domain::field::Text;
use crate::domain::unit_life::UnitStatus;
use crate::domain::{Role, Tier};
use crate::i18n::Lang;
use crate::vocabulary;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub role: Role,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub tier: Tier,
}

/// What a caller wants to do to a unit (or to something that belongs to it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Right {
    /// See the unit and what belongs to it: any role at the unit or above.
    Read,
    /// Create units below it, users and grants in it: `admin` at the unit or above.
    Administer,
    /// Read the audit trail, exports and verification: `admin` or `auditor` at or above.
    Audit,
    /// Work of the unit itself (donations, spending, finance): the role at exactly this unit.
    ActAs(Role),
    /// Work a role may do in its unit and below (officers register households there).
    ActWithin(Role),
    /// See donors' contact details: officers, finance officers and auditors at or above.
    ReadPersonal,
}

/// The caller's assignments, with the decisions that depend on them.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub assignments: Vec<Assignment>,
}

impl Scope {
    /// Roots of the read scope: every unit the caller holds any role at.
    pub fn roots(&self) -> Vec<Uuid> {
        self.roots_of(&Role::ALL)
    }

    /// Roots of the scope granted by some roles only.
    pub fn roots_of(&self, roles: &[Role]) -> Vec<Uuid> {
        let mut roots: Vec<Uuid> = self
            .assignments
            .iter()
            .filter(|a| roles.contains(&a.role))
            .map(|a| a.unit_id)
            .collect();
        roots.sort();
        roots.dedup();
        roots
    }

    pub fn holds(&self, role: Role) -> bool {
        self.assignments.iter().any(|a| a.role == role)
    }

    fn covers(&self, roles: &[Role], unit: &UnitRow) -> bool {
        self.assignments
            .iter()
            .any(|a| roles.contains(&a.role) && unit.is_within(a.unit_id))
    }

    pub fn can_see(&self, unit: &UnitRow) -> bool {
        self.covers(&Role::ALL, unit)
    }

    pub fn allows(&self, right: Right, unit: &UnitRow) -> bool {
        match right {
            Right::Read => self.can_see(unit),
            Right::Administer => self.covers(&[Role::Admin], unit),
            Right::Audit => self.covers(&[Role::Admin, Role::Auditor], unit),
            Right::ReadPersonal => {
                self.covers(&[Role::Officer, Role::Accountant, Role::Auditor], unit)
            }
            Right::ActAs(role) => self
                .assignments
                .iter()
                .any(|a| a.role == role && a.unit_id == unit.id),
            Right::ActWithin(role) => self.covers(&[role], unit),
        }
    }

    /// 404 outside the read scope; 409 `unit_dissolved` for any write into a dissolved unit,
    /// whatever the caller's roles (its records are read-only); 403 inside the scope without the
    /// right.
    pub fn authorize(&self, right: Right, unit: &UnitRow) -> AppResult<()> {
        if right.writes() && unit.life().is_dissolved() && self.can_see(unit) {
            return Err(crate::messages::units::unit_dissolved(
                &unit.code,
                unit.life(),
            ));
        }
        self.authorize_records(right, unit)
    }

    /// As [`Scope::authorize`], for an ended unit the caller may not see by its place in the
    /// tree, given its `heirs` (`db::successions::heirs`: the units that took it over, directly
    /// or through another ended unit). This is the one rule of who reads a predecessor
    /// (reform.md, "After the handover"): a role at an heir, or above one, grants there the
    /// reads it grants at the heir (`Read`, `Audit`, `ReadPersonal`) and nothing else — a write
    /// is 409 `unit_dissolved` once the unit is dissolved, 403 while it is dissolving. A caller
    /// who sees no heir does not see the unit (404).
    pub fn authorize_through_heirs(
        &self,
        right: Right,
        unit: &UnitRow,
        heirs: &[UnitRow],
    ) -> AppResult<()> {
        if self.can_see(unit) || unit.life().status() == UnitStatus::Active {
            return self.authorize(right, unit);
        }
        if !heirs.iter().any(|h| self.can_see(h)) {
            return Err(AppError::NotFound);
        }
        if right.writes() {
            return Err(if unit.life().is_dissolved() {
                crate::messages::units::unit_dissolved(&unit.code, unit.life())
            } else {
                lacking(right, unit)
            });
        }
        if heirs.iter().any(|h| self.allows(right, h)) {
            Ok(())
        } else {
            Err(lacking(right, unit))
        }
    }

    /// As [`Scope::authorize`], for the bookkeeping of a unit's past that stays possible after it
    /// ends: closing and re-opening its months (a parent cannot close a month its child has not).
    pub fn authorize_records(&self, right: Right, unit: &UnitRow) -> AppResult<()> {
        if !self.can_see(unit) {
            return Err(AppError::NotFound);
        }
        if !self.allows(right, unit) {
            return Err(lacking(right, unit));
        }
        Ok(())
    }
}

impl Right {
    /// Whether the right changes something of the unit (and so is refused at a dissolved one).
    pub fn writes(self) -> bool {
        match self {
            Right::Read | Right::Audit | Right::ReadPersonal => false,
            Right::Administer | Right::ActAs(_) | Right::ActWithin(_) => true,
        }
    }
}

/// The roles that grant `right`, and whether holding them above the unit counts.
fn grants(right: Right) -> (&'static [Role], bool) {
    match right {
        Right::Read => (&Role::ALL, true),
        Right::Administer => (&[Role::Admin], true),
        Right::Audit => (&[Role::Admin, Role::Auditor], true),
        Right::ReadPersonal => (&[Role::Officer, Role::Accountant, Role::Auditor], true),
        Right::ActAs(Role::Admin) => (&[Role::Admin], false),
        Right::ActAs(Role::Officer) => (&[Role::Officer], false),
        Right::ActAs(Role::Approver) => (&[Role::Approver], false),
        Right::ActAs(Role::Accountant) => (&[Role::Accountant], false),
        Right::ActAs(Role::Auditor) => (&[Role::Auditor], false),
        Right::ActWithin(Role::Admin) => (&[Role::Admin], true),
        Right::ActWithin(Role::Officer) => (&[Role::Officer], true),
        Right::ActWithin(Role::Approver) => (&[Role::Approver], true),
        Right::ActWithin(Role::Accountant) => (&[Role::Accountant], true),
        Right::ActWithin(Role::Auditor) => (&[Role::Auditor], true),
    }
}

/// 403 for a caller who sees `unit` but lacks `right` there, saying which role at which unit
/// it takes ("cần vai trò kế toán (accountant) tại đơn vị 06001").
pub fn lacking(right: Right, unit: &UnitRow) -> AppError {
    let (roles, or_above) = grants(right);
    needs(roles, &unit.code, or_above)
}

/// 403: one of `roles` is needed at the unit `code` (or, with `or_above`, at a unit above it).
pub fn needs(roles: &[Role], code: &str, or_above: bool) -> AppError {
    let (en_roles, vi_roles) = role_names(roles);
    let (en_above, vi_above) = if or_above {
        (" or a unit above it", " hoặc một đơn vị cấp trên")
    } else {
        ("", "")
    };
    AppError::Forbidden(Text::new(
        format!("This needs the role {en_roles} at unit {code}{en_above}."),
        format!("Thao tác này cần vai trò {vi_roles} tại đơn vị {code}{vi_above}."),
    ))
}

/// 403 for a caller who holds none of `roles` anywhere (a role extractor refused them before
/// the unit concerned was known).
pub fn needs_anywhere(roles: &[Role]) -> AppError {
    let (en_roles, vi_roles) = role_names(roles);
    AppError::Forbidden(Text::new(
        format!(
            "This needs the role {en_roles} at the unit concerned; you hold it at no unit."
        ),
        format!(
            "Thao tác này cần vai trò {vi_roles} tại đơn vị liên quan; bạn không có vai trò này ở đơn vị nào."
        ),
    ))
}

/// "accountant" / "kế toán (accountant)"; several as "admin or auditor" / "… hoặc …".
fn role_names(roles: &[Role]) -> (String, String) {
    let join = |lang: Lang, or: &str| {
        let names: Vec<String> = roles
            .iter()
            .map(|r| vocabulary::term(r.as_str(), lang))
            .collect();
        match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} {or} {last}", rest.join(", ")),
            None => String::new(),
        }
    };
    (join(Lang::En, "or"), join(Lang::Vi, "hoặc"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The problem a refusal becomes, as a client sees it.
    fn http(e: AppError) -> crate::error::ApiError {
        e.into()
    }

    fn unit(ancestry: &[Uuid]) -> UnitRow {
        UnitRow {
            id: *ancestry.last().unwrap(),
            code: "X".into(),
            name: "X".into(),
            full_name: "X".into(),
            kind: None,
            tier: "commune".into(),
            parent_id: ancestry.get(ancestry.len().wrapping_sub(2)).copied(),
            ancestry: ancestry.to_vec(),
            path: vec![],
            created_at: chrono::Utc::now(),
            status: "active".into(),
            dissolving_from: None,
            dissolved_on: None,
        }
    }

    fn scope(role: Role, unit_id: Uuid) -> Scope {
        Scope {
            assignments: vec![Assignment {
                role,
                unit_id,
                unit_code: "X".into(),
                tier: Tier::Province,
            }],
        }
    }

    #[test]
    fn a_commune_officer_sees_their_commune_only() {
        let (tw, province, commune, sibling) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let s = scope(Role::Officer, commune);
        assert!(s.can_see(&unit(&[tw, province, commune])));
        assert!(!s.can_see(&unit(&[tw, province, sibling])));
        assert!(!s.can_see(&unit(&[tw, province])));
        assert!(
            http(
                s.authorize(Right::Read, &unit(&[tw, province]))
                    .unwrap_err()
            )
            .code
                == crate::error::Code::NotFound
        );
    }

    #[test]
    fn own_unit_roles_do_not_reach_below() {
        let (tw, province, commune) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let s = scope(Role::Accountant, province);
        assert!(s.allows(Right::ActAs(Role::Accountant), &unit(&[tw, province])));
        assert!(!s.allows(
            Right::ActAs(Role::Accountant),
            &unit(&[tw, province, commune])
        ));
        // inside the read scope but without the right: 403, not 404
        let e = s.authorize(
            Right::ActAs(Role::Accountant),
            &unit(&[tw, province, commune]),
        );
        let e = http(e.unwrap_err());
        assert_eq!(e.code, crate::error::Code::Forbidden);
        // the 403 says which role it takes, and where
        let detail = e.detail.unwrap();
        assert_eq!(
            detail.get(Lang::Vi),
            "Thao tác này cần vai trò kế toán (accountant) tại đơn vị X."
        );
        assert_eq!(
            detail.get(Lang::En),
            "This needs the role accountant at unit X."
        );
    }

    #[test]
    fn a_403_names_every_role_that_would_do() {
        let e = http(needs(
            &[Role::Officer, Role::Approver, Role::Accountant],
            "06001",
            true,
        ));
        assert_eq!(
            e.detail.unwrap().get(Lang::En),
            "This needs the role officer, approver or accountant at unit 06001 or a unit above it."
        );
        let e = http(needs_anywhere(&[Role::Admin, Role::Auditor]));
        assert!(e.detail.unwrap().get(Lang::Vi).starts_with(
            "Thao tác này cần vai trò quản trị viên (admin) hoặc kiểm soát viên (auditor)"
        ));
    }

    fn ended(mut u: UnitRow, status: &str) -> UnitRow {
        u.status = status.into();
        let day = chrono::NaiveDate::from_ymd_opt(2025, 6, 30);
        u.dissolving_from = day.and_then(|d| d.succ_opt());
        u.dissolved_on = day.filter(|_| status == "dissolved");
        u
    }

    #[test]
    fn an_heirs_roles_read_a_predecessor_and_never_write_it() {
        let (tw, province, old, heir, other) = (
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
            Uuid::now_v7(),
        );
        let predecessor = ended(unit(&[tw, province, old]), "dissolved");
        let heirs = [unit(&[tw, province, heir])];
        let s = scope(Role::Officer, heir);
        assert!(s
            .authorize_through_heirs(Right::Read, &predecessor, &heirs)
            .is_ok());
        assert!(s
            .authorize_through_heirs(Right::ReadPersonal, &predecessor, &heirs)
            .is_ok());
        let code = |e: AppError| http(e).code;
        // auditing takes an auditor or admin at the heir
        assert_eq!(
            code(
                s.authorize_through_heirs(Right::Audit, &predecessor, &heirs)
                    .unwrap_err()
            ),
            crate::error::Code::Forbidden
        );
        // writes: 409 once dissolved, 403 while dissolving
        let write = Right::ActAs(Role::Officer);
        assert_eq!(
            code(
                s.authorize_through_heirs(write, &predecessor, &heirs)
                    .unwrap_err()
            ),
            crate::error::Code::UnitDissolved
        );
        let dissolving = ended(unit(&[tw, province, old]), "dissolving");
        assert_eq!(
            code(
                s.authorize_through_heirs(write, &dissolving, &heirs)
                    .unwrap_err()
            ),
            crate::error::Code::Forbidden
        );
        // someone who sees no heir does not see the predecessor
        let stranger = scope(Role::Admin, other);
        assert_eq!(
            code(
                stranger
                    .authorize_through_heirs(Right::Read, &predecessor, &heirs)
                    .unwrap_err()
            ),
            crate::error::Code::NotFound
        );
        // an active unit is never read through another one
        let active = unit(&[tw, province, old]);
        assert_eq!(
            code(
                s.authorize_through_heirs(Right::Read, &active, &heirs)
                    .unwrap_err()
            ),
            crate::error::Code::NotFound
        );
    }

    #[test]
    fn admins_administer_their_subtree() {
        let (tw, province, commune) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let s = scope(Role::Admin, province);
        assert!(s.allows(Right::Administer, &unit(&[tw, province, commune])));
        assert!(!s.allows(Right::Administer, &unit(&[tw])));
        assert!(s.allows(Right::Audit, &unit(&[tw, province])));
        assert!(!scope(Role::Officer, province).allows(Right::Audit, &unit(&[tw, province])));
    }
}
