//! Scope rules of `security.md`, in one place. A role held at unit U covers U and everything
//! below it for reading; writes need the right role at the right unit. Outside the caller's
//! scope things do not exist (404); inside it, a missing right is 403.

use uuid::Uuid;

use crate::db::units::UnitRow;
use crate::domain::{Role, Tier};
use crate::error::{ApiError, ApiResult};

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

    /// 404 outside the read scope, 403 inside it without the right.
    pub fn authorize(&self, right: Right, unit: &UnitRow) -> ApiResult<()> {
        if !self.can_see(unit) {
            return Err(ApiError::not_found());
        }
        if !self.allows(right, unit) {
            return Err(ApiError::forbidden());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            s.authorize(Right::Read, &unit(&[tw, province]))
                .unwrap_err()
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
        assert_eq!(e.unwrap_err().code, crate::error::Code::Forbidden);
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
