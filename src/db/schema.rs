// @generated-style: mirrors `diesel print-schema` for the migrations in /migrations.
// Keep in step with the SQL; the integration tests exercise every table through it.

diesel::table! {
    accounts (id) {
        id -> Uuid,
        unit_id -> Uuid,
        code -> Text,
        chart_code -> Text,
        name -> Text,
        account_type -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Uuid,
        occurred_at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        actor_roles -> Jsonb,
        action -> Text,
        target_type -> Text,
        target_id -> Nullable<Uuid>,
        unit_id -> Nullable<Uuid>,
        unit_ancestry -> Array<Uuid>,
        request_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        changes -> Jsonb,
    }
}

diesel::table! {
    chart_of_accounts (code) {
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        account_type -> Text,
        per_bank_account -> Bool,
    }
}

diesel::table! {
    funds (unit_id) {
        unit_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        family_id -> Uuid,
        user_id -> Uuid,
        token_hash -> Bytea,
        issued_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    role_assignments (user_id, role, unit_id) {
        user_id -> Uuid,
        role -> Text,
        unit_id -> Uuid,
        granted_by -> Nullable<Uuid>,
        granted_at -> Timestamptz,
    }
}

diesel::table! {
    units (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        full_name -> Text,
        kind -> Nullable<Text>,
        tier -> Text,
        parent_id -> Nullable<Uuid>,
        ancestry -> Array<Uuid>,
        path -> Array<Text>,
        search_text -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        username -> Text,
        password_hash -> Text,
        full_name -> Text,
        disabled_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(accounts -> funds (unit_id));
diesel::joinable!(funds -> units (unit_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(role_assignments -> units (unit_id));
diesel::joinable!(role_assignments -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    audit_events,
    chart_of_accounts,
    funds,
    refresh_tokens,
    role_assignments,
    units,
    users,
);
