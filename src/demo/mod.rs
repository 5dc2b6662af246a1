//! Demo data for `serve --demo`: the central unit, Lạng Sơn (province `20`) — on a new
//! database first as it was in March 2025 for the district Tràng Định (`180`), then the 2026
//! list over it — and one user per role at `TW`, at `20` and at the commune Đoàn Kết (`06001`);
//! then the houses of Đoàn Kết (`houses`) and the 2025 reform of Tràng Định with the staff of
//! the units that ended (`reform`). Idempotent: running it again adds nothing. The passwords
//! are for demonstration only.

use diesel_async::scoped_futures::ScopedFutureExt;
use diesel_async::{AsyncConnection, AsyncPgConnection};

use crate::app;
use crate::app::users::{NewAccount, Operator};
use crate::config::Settings;
use crate::db::{units, users, Pool};
use crate::domain::{unit_file, Role, Username};
use crate::middleware::request_id::RequestMeta;

mod houses;
mod reform;

pub use reform::{CAO_MINH, DISTRICT, KHANH_LONG, TAN_YEN};

/// The one password of every demo user. Never use demo mode with real data.
pub const DEMO_PASSWORD: &str = "doanket-demo-2026";
pub const DEMO_PROVINCE: &str = "20";
pub const DEMO_COMMUNE: &str = "06001";

const UNITS_2026: &[u8] = include_bytes!("../../data/units/vn-admin-units-2026.csv");

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

/// Seeds the demo (idempotent). `settings` gives the national-ID key (demo households are
/// registered exactly as the API registers them) and today's date. On a new database Lạng Sơn
/// is built as a real installation has it: the March 2025 list of the province, of the district
/// Tràng Định and its communes, then the 2026 list over it (the surviving communes move under
/// the province with their 2025 names kept, the merged ones stay under the district); then the
/// reform's story (`reform`).
pub async fn seed(pool: &Pool, settings: &Settings) -> anyhow::Result<Vec<DemoUser>> {
    let records: Vec<_> = unit_file::parse(UNITS_2026)?
        .into_iter()
        .filter(|r| r.code.as_str() == DEMO_PROVINCE || r.parent_code.as_str() == DEMO_PROVINCE)
        .collect();
    let before = reform::units_2025()?;
    let hash = crate::auth::password::hash(DEMO_PASSWORD.to_owned()).await?;
    let hash = hash.as_str();
    let mut conn = pool.get().await?;
    let meta = RequestMeta {
        request_id: "demo-seed".into(),
        client_ip: None,
    };
    let meta = &meta;
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        async move {
            let by = Operator::Console(meta);
            // the 2025 tree only on a new database: over the 2026 one it would move the
            // surviving communes back under their district
            if units::find_by_code(conn, DEMO_PROVINCE).await?.is_none() {
                app::units::import(conn, by, before, false)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            }
            app::units::import(conn, by, records, false)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            create_users(conn, by, &demo_users(), hash).await
        }
        .scope_boxed()
    })
    .await?;
    let ctx = houses::Ctx {
        meta,
        key: &settings.national_id_key.0,
        today: settings.clock.today(),
    };
    let ctx = &ctx;
    conn.transaction::<_, anyhow::Error, _>(|conn| {
        async move { houses::seed_houses(conn, ctx).await }.scope_boxed()
    })
    .await?;
    let story = reform::Story {
        meta,
        key: &settings.national_id_key.0,
        today: settings.clock.today(),
        new_house_interval_years: settings.new_house_interval_years,
        password_hash: hash,
    };
    let story = &story;
    let told = conn
        .transaction::<_, anyhow::Error, _>(|conn| {
            async move { reform::seed(conn, story).await }.scope_boxed()
        })
        .await?;
    if told {
        tracing::info!(
            "demo: the 2025 reform of district {} seeded",
            reform::DISTRICT
        );
    }
    let mut all = demo_users();
    for user in reform::staff_users() {
        if users::find_by_username(&mut conn, &user.username)
            .await?
            .is_some()
        {
            all.push(user);
        }
    }
    Ok(all)
}

/// Creates the demo users that do not exist yet, each with their one role.
async fn create_users(
    conn: &mut AsyncPgConnection,
    by: Operator<'_>,
    wanted: &[DemoUser],
    password_hash: &str,
) -> anyhow::Result<()> {
    for demo in wanted {
        if users::find_by_username(conn, &demo.username)
            .await?
            .is_some()
        {
            continue;
        }
        let unit = units::find_by_code(conn, &demo.unit_code)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo unit {} missing", demo.unit_code))?;
        let account = NewAccount {
            username: Username::parse(&demo.username)
                .ok_or_else(|| anyhow::anyhow!("demo username {}", demo.username))?,
            full_name: format!("Demo {} {}", demo.role, demo.unit_code),
            password_hash: password_hash.to_owned(),
            roles: vec![(demo.role, unit.id)],
        };
        app::users::create(conn, by, account).await?;
    }
    Ok(())
}

/// The start-up banner listing the demo accounts (stdout, not the log).
pub fn banner(users: &[DemoUser]) -> String {
    let mut s =
        String::from("\n=== DEMO MODE: demonstration accounts (never use with real data) ===\n");
    s.push_str(&format!("password for every account: {DEMO_PASSWORD}\n"));
    let (before, after): (Vec<&DemoUser>, Vec<&DemoUser>) = users
        .iter()
        .partition(|u| reform::STAFF_UNITS.contains(&u.unit_code.as_str()));
    for u in after {
        s.push_str(&format!(
            "  {:<20} {:<10} at {}\n",
            u.username,
            u.role.as_str(),
            u.unit_code
        ));
    }
    if !before.is_empty() {
        let names: Vec<&str> = before.iter().map(|u| u.username.as_str()).collect();
        s.push_str(&format!(
            "staff of the units the 2025 reform ended (read-only once dissolved): {}\n",
            names.join(", ")
        ));
        s.push_str(&format!(
            "reform: {KHANH_LONG} and {CAO_MINH} handed over into {DEMO_COMMUNE}, district {DISTRICT} into \
             {DEMO_PROVINCE} (executed, dissolved); {TAN_YEN}'s handover submitted, waiting for \
             approver.{DEMO_PROVINCE}; see /v1/handovers and /v1/units/{{id}}/successions\n"
        ));
    }
    s.push_str(&format!(
        "houses: {} poor households of {DEMO_COMMUNE} with Great Unity house projects proposed, \
         approved (province {DEMO_PROVINCE}, housing campaign), started, completed and handed over\n",
        houses::DEMO_HOUSEHOLDS.len()
    ));
    s
}
