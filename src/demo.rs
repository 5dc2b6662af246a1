//! Demo data for `serve --demo`: the central unit, Lạng Sơn (province `20`) with its 2026
//! communes, and one user per role at `TW`, at `20` and at the commune Đoàn Kết (`06001`).
//! Idempotent: running it again adds nothing. The passwords are for demonstration only.

use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::audit::{self, Change};
use crate::db::{units, users, Pool};
use crate::domain::{unit_file, Role};
use crate::middleware::request_id::RequestMeta;

/// The one password of every demo user. Never use demo mode with real data.
pub const DEMO_PASSWORD: &str = "doanket-demo-2026";
pub const DEMO_PROVINCE: &str = "20";
pub const DEMO_COMMUNE: &str = "06001";

const UNITS_2026: &[u8] = include_bytes!("../data/units/vn-admin-units-2026.csv");

#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    pub unit_code: String,
}

/// Everyone the demo creates: `<role>.<unit code>`, e.g. `accountant.20`.
pub fn demo_users() -> Vec<DemoUser> {
    ["TW", DEMO_PROVINCE, DEMO_COMMUNE]
        .into_iter()
        .flat_map(|code| {
            Role::ALL.into_iter().map(move |role| DemoUser {
                username: format!("{}.{}", role.as_str(), code.to_ascii_lowercase()),
                role,
                unit_code: code.to_owned(),
            })
        })
        .collect()
}

pub async fn seed(pool: &Pool) -> anyhow::Result<Vec<DemoUser>> {
    let records: Vec<_> = unit_file::parse(UNITS_2026)?
        .into_iter()
        .filter(|r| r.code.as_str() == DEMO_PROVINCE || r.parent_code.as_str() == DEMO_PROVINCE)
        .collect();
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let mut conn = pool.get().await?;
    let meta = RequestMeta {
        request_id: "demo-seed".into(),
        client_ip: None,
    };
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        async move {
            let counts = units::import(conn, records).await?;
            if counts.created > 0 {
                let central = units::ensure_central(conn).await?;
                audit::record_as(
                    conn,
                    None,
                    &meta,
                    Change {
                        action: "unit.import",
                        target_type: "unit",
                        target_id: Some(central.id),
                        unit_id: Some(central.id),
                        changes: serde_json::to_value(counts)?,
                    },
                )
                .await?;
            }
            for demo in demo_users() {
                if users::find_by_username(conn, &demo.username)
                    .await?
                    .is_some()
                {
                    continue;
                }
                let unit = units::find_by_code(conn, &demo.unit_code)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("demo unit {} missing", demo.unit_code))?;
                let user = users::insert(
                    conn,
                    &users::NewUser {
                        id: Uuid::now_v7(),
                        username: &demo.username,
                        password_hash: &hash,
                        full_name: &format!("Demo {} {}", demo.role, demo.unit_code),
                        created_by: None,
                    },
                )
                .await?;
                users::set_assignments(
                    conn,
                    user.id,
                    &[(demo.role.as_str().to_owned(), unit.id)],
                    None,
                )
                .await?;
                audit::record_as(
                    conn,
                    None,
                    &meta,
                    Change {
                        action: "user.create",
                        target_type: "user",
                        target_id: Some(user.id),
                        unit_id: Some(unit.id),
                        changes: serde_json::json!({"username": demo.username, "demo": true}),
                    },
                )
                .await?;
            }
            Ok(())
        }
        .scope_boxed()
    })
    .await?;
    Ok(demo_users())
}

/// The start-up banner listing the demo accounts (stdout, not the log).
pub fn banner(users: &[DemoUser]) -> String {
    let mut s =
        String::from("\n=== DEMO MODE: demonstration accounts (never use with real data) ===\n");
    s.push_str(&format!("password for every account: {DEMO_PASSWORD}\n"));
    for u in users {
        s.push_str(&format!(
            "  {:<20} {:<10} at {}\n",
            u.username,
            u.role.as_str(),
            u.unit_code
        ));
    }
    s
}
