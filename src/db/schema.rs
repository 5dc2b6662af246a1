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
    balance_buckets (account_id, campaign_id, bucket) {
        account_id -> Uuid,
        campaign_id -> Uuid,
        bucket -> Int2,
        unit_id -> Uuid,
        chart_code -> Text,
        debit -> Numeric,
        credit -> Numeric,
    }
}

diesel::table! {
    bank_accounts (id) {
        id -> Uuid,
        unit_id -> Uuid,
        bank_bin -> Text,
        bank_name -> Text,
        account_number -> Text,
        account_name -> Text,
        currency -> Text,
        account_id -> Uuid,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        closed_on -> Nullable<Date>,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Uuid,
        unit_id -> Uuid,
        kind -> Text,
        name -> Text,
        starts_on -> Date,
        ends_on -> Date,
        restricted -> Bool,
        search_text -> Text,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    donations (id) {
        id -> Uuid,
        unit_id -> Uuid,
        campaign_id -> Nullable<Uuid>,
        channel -> Text,
        amount -> Numeric,
        currency -> Text,
        fx_rate -> Nullable<Numeric>,
        amount_vnd -> Numeric,
        received_on -> Date,
        donor_kind -> Text,
        donor_name -> Nullable<Text>,
        donor_search -> Text,
        donor_phone -> Nullable<Text>,
        donor_email -> Nullable<Text>,
        donor_address -> Nullable<Text>,
        donor_tax_code -> Nullable<Text>,
        public_display -> Text,
        bank_account_id -> Nullable<Uuid>,
        bank_reference -> Nullable<Text>,
        in_kind_items -> Nullable<Jsonb>,
        note -> Nullable<Text>,
        receipt_year -> Int4,
        receipt_seq -> Int4,
        receipt_number -> Text,
        status -> Text,
        journal_entry_id -> Uuid,
        void_entry_id -> Nullable<Uuid>,
        void_reason -> Nullable<Text>,
        voided_at -> Nullable<Timestamptz>,
        voided_by -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Uuid,
        key -> Text,
        request_hash -> Bytea,
        state -> Text,
        response_status -> Nullable<Int4>,
        response_body -> Nullable<Jsonb>,
        created_at -> Timestamptz,
        locked_until -> Timestamptz,
        response_location -> Nullable<Text>,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Uuid,
        unit_id -> Uuid,
        effective_date -> Date,
        recorded_at -> Timestamptz,
        source_type -> Text,
        source_id -> Nullable<Uuid>,
        description -> Text,
        reason -> Nullable<Text>,
        reverses_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    periods (unit_id, month) {
        unit_id -> Uuid,
        month -> Date,
        state -> Text,
        closed_at -> Nullable<Timestamptz>,
        closed_by -> Nullable<Uuid>,
        closing_trial_balance -> Nullable<Jsonb>,
        reopened_at -> Nullable<Timestamptz>,
        reopened_by -> Nullable<Uuid>,
        reopen_reason -> Nullable<Text>,
    }
}

diesel::table! {
    postings (id) {
        id -> Int8,
        entry_id -> Uuid,
        account_id -> Uuid,
        side -> Text,
        amount -> Numeric,
        campaign_id -> Nullable<Uuid>,
        unit_id -> Uuid,
        effective_date -> Date,
        chart_code -> Text,
    }
}

diesel::table! {
    receipt_counters (unit_id, year) {
        unit_id -> Uuid,
        year -> Int4,
        last_seq -> Int4,
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
        status -> Text,
        dissolving_from -> Nullable<Date>,
        dissolved_on -> Nullable<Date>,
    }
}

diesel::table! {
    handovers (id) {
        id -> Uuid,
        from_unit_id -> Uuid,
        proposed_at_unit_id -> Uuid,
        effective_on -> Date,
        decision_no -> Nullable<Text>,
        status -> Text,
        households_moved -> Int4,
        submitted_by -> Nullable<Uuid>,
        submitted_at -> Timestamptz,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        executed_by -> Nullable<Uuid>,
        executed_at -> Nullable<Timestamptz>,
        cancel_reason -> Nullable<Text>,
    }
}

diesel::table! {
    handover_shares (handover_id, to_unit_id) {
        handover_id -> Uuid,
        to_unit_id -> Uuid,
        fraction -> Numeric,
    }
}

diesel::table! {
    handover_lines (handover_id, position) {
        handover_id -> Uuid,
        position -> Int4,
        to_unit_id -> Uuid,
        pool -> Text,
        bank_account_id -> Nullable<Uuid>,
        campaign_id -> Nullable<Uuid>,
        amount -> Numeric,
        received_bank_account_id -> Nullable<Uuid>,
        received_on -> Nullable<Date>,
        receipt_entry_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    handover_villages (handover_id, village_key) {
        handover_id -> Uuid,
        village_key -> Text,
        village -> Text,
        to_unit_id -> Uuid,
    }
}

diesel::table! {
    handover_obligations (handover_id, kind, obligation_id) {
        handover_id -> Uuid,
        kind -> Text,
        obligation_id -> Uuid,
        to_unit_id -> Uuid,
        bank_account_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    unit_names (unit_id, replaced_at) {
        unit_id -> Uuid,
        name -> Text,
        full_name -> Text,
        parent_id -> Nullable<Uuid>,
        valid_until -> Nullable<Date>,
        replaced_at -> Timestamptz,
    }
}

diesel::table! {
    unit_successions (predecessor_id, successor_id) {
        predecessor_id -> Uuid,
        successor_id -> Uuid,
        share -> Text,
        effective_on -> Date,
        recorded_by -> Nullable<Uuid>,
        recorded_at -> Timestamptz,
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
        home_unit_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    households (id) {
        id -> Uuid,
        unit_id -> Uuid,
        head_name -> Text,
        name_key -> Text,
        village -> Text,
        village_key -> Text,
        national_id_hmac -> Bytea,
        national_id_last4 -> Text,
        address -> Text,
        members -> Int4,
        status -> Text,
        status_year -> Int4,
        poverty_cert_no -> Nullable<Text>,
        ethnicity -> Nullable<Text>,
        phone -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    reservations (id) {
        id -> Uuid,
        unit_id -> Uuid,
        campaign_id -> Uuid,
        pool -> Text,
        source_type -> Text,
        source_id -> Uuid,
        amount -> Numeric,
        used -> Numeric,
        released_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    disbursements (id) {
        id -> Uuid,
        unit_id -> Uuid,
        category -> Text,
        household_id -> Nullable<Uuid>,
        campaign_id -> Nullable<Uuid>,
        earmark_id -> Nullable<Uuid>,
        amount -> Numeric,
        method -> Text,
        bank_account_id -> Nullable<Uuid>,
        description -> Text,
        status -> Text,
        submitted_by -> Uuid,
        submitted_at -> Timestamptz,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        decision_reason -> Nullable<Text>,
        paid_by -> Nullable<Uuid>,
        paid_at -> Nullable<Timestamptz>,
        paid_on -> Nullable<Date>,
        journal_entry_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    tet_batches (id) {
        id -> Uuid,
        unit_id -> Uuid,
        campaign_id -> Uuid,
        earmark_id -> Nullable<Uuid>,
        cash_amount -> Numeric,
        in_kind_description -> Nullable<Text>,
        in_kind_value -> Numeric,
        method -> Text,
        bank_account_id -> Nullable<Uuid>,
        household_count -> Int4,
        amount -> Numeric,
        status -> Text,
        submitted_by -> Uuid,
        submitted_at -> Timestamptz,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        decision_reason -> Nullable<Text>,
        disbursed_by -> Nullable<Uuid>,
        disbursed_at -> Nullable<Timestamptz>,
        disbursed_on -> Nullable<Date>,
        journal_entry_id -> Nullable<Uuid>,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
        closed_on -> Nullable<Date>,
        settlement_entry_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    tet_batch_recipients (batch_id, household_id) {
        batch_id -> Uuid,
        household_id -> Uuid,
        campaign_id -> Uuid,
        position -> Int4,
        status -> Text,
        delivered_on -> Nullable<Date>,
        ack_method -> Nullable<Text>,
        evidence_sha256 -> Nullable<Text>,
        witness_name -> Nullable<Text>,
        delivered_by -> Nullable<Uuid>,
        delivered_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    transfers (id) {
        id -> Uuid,
        from_unit_id -> Uuid,
        to_unit_id -> Uuid,
        direction -> Text,
        amount -> Numeric,
        campaign_id -> Nullable<Uuid>,
        purpose -> Text,
        decision_no -> Nullable<Text>,
        allocation_id -> Nullable<Uuid>,
        status -> Text,
        submitted_by -> Uuid,
        submitted_at -> Timestamptz,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        decision_reason -> Nullable<Text>,
        sent_by -> Nullable<Uuid>,
        sent_at -> Nullable<Timestamptz>,
        sent_on -> Nullable<Date>,
        send_bank_account_id -> Nullable<Uuid>,
        send_entry_id -> Nullable<Uuid>,
        received_by -> Nullable<Uuid>,
        received_at -> Nullable<Timestamptz>,
        received_on -> Nullable<Date>,
        receive_bank_account_id -> Nullable<Uuid>,
        receive_entry_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Uuid,
        unit_id -> Uuid,
        sha256 -> Text,
        size -> Int8,
        content_type -> Text,
        filename -> Nullable<Text>,
        uploaded_by -> Uuid,
        uploaded_at -> Timestamptz,
    }
}

diesel::table! {
    housing_norms (id) {
        id -> Uuid,
        unit_id -> Nullable<Uuid>,
        kind -> Text,
        effective_from -> Date,
        amount -> Numeric,
        set_by -> Nullable<Uuid>,
        set_at -> Timestamptz,
    }
}

diesel::table! {
    houses (id) {
        id -> Uuid,
        household_id -> Uuid,
        funding_unit_id -> Uuid,
        kind -> Text,
        campaign_id -> Nullable<Uuid>,
        earmark_id -> Nullable<Uuid>,
        proposed_on -> Date,
        norm_amount -> Nullable<Numeric>,
        support_amount -> Numeric,
        norm_override_reason -> Nullable<Text>,
        estimated_cost -> Numeric,
        area_m2 -> Nullable<Numeric>,
        funding_plan -> Jsonb,
        status -> Text,
        paid_amount -> Numeric,
        submitted_by -> Uuid,
        submitted_at -> Timestamptz,
        approved_by -> Nullable<Uuid>,
        approved_at -> Nullable<Timestamptz>,
        started_on -> Nullable<Date>,
        started_by -> Nullable<Uuid>,
        completed_on -> Nullable<Date>,
        completed_by -> Nullable<Uuid>,
        meets_3_cung -> Nullable<Bool>,
        handed_over_on -> Nullable<Date>,
        handed_over_by -> Nullable<Uuid>,
        cancelled_at -> Nullable<Timestamptz>,
        cancelled_by -> Nullable<Uuid>,
        cancel_reason -> Nullable<Text>,
        evidence -> Jsonb,
    }
}

diesel::table! {
    house_payments (id) {
        id -> Uuid,
        house_id -> Uuid,
        stage -> Text,
        amount -> Numeric,
        method -> Text,
        bank_account_id -> Nullable<Uuid>,
        paid_on -> Date,
        journal_entry_id -> Uuid,
        paid_by -> Uuid,
        paid_at -> Timestamptz,
    }
}

diesel::table! {
    house_contributions (id) {
        id -> Uuid,
        house_id -> Uuid,
        source -> Text,
        kind -> Text,
        value -> Numeric,
        labour_days -> Nullable<Numeric>,
        name -> Nullable<Text>,
        description -> Nullable<Text>,
        contributed_on -> Date,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    seal_queue (entry_id) {
        entry_id -> Uuid,
        unit_id -> Uuid,
        queued -> Int8,
    }
}

diesel::table! {
    journal_seals (unit_id, seq) {
        unit_id -> Uuid,
        seq -> Int8,
        entry_id -> Uuid,
        entry_hash -> Bytea,
        chain_hash -> Bytea,
        sealed_at -> Timestamptz,
    }
}

diesel::table! {
    bank_statements (id) {
        id -> Uuid,
        bank_account_id -> Uuid,
        format -> Text,
        imported_by -> Uuid,
        imported_at -> Timestamptz,
        lines_total -> Int4,
        lines_new -> Int4,
        lines_duplicate -> Int4,
        credits_total -> Numeric,
        debits_total -> Numeric,
        opening_balance -> Nullable<Numeric>,
        closing_balance -> Nullable<Numeric>,
        first_date -> Date,
        last_date -> Date,
        sha256 -> Bytea,
    }
}

diesel::table! {
    statement_lines (id) {
        id -> Uuid,
        bank_account_id -> Uuid,
        statement_id -> Uuid,
        line_date -> Date,
        doc_no -> Nullable<Text>,
        debit -> Numeric,
        credit -> Numeric,
        balance -> Nullable<Numeric>,
        description -> Text,
        description_search -> Text,
        occurrence -> Int4,
        identity -> Bytea,
        status -> Text,
        matched_entry_id -> Nullable<Uuid>,
        ignore_reason -> Nullable<Text>,
        created_at -> Timestamptz,
        matched_by -> Nullable<Uuid>,
        matched_at -> Nullable<Timestamptz>,
        bank_references -> Array<Text>,
        counterparty -> Nullable<Text>,
    }
}

diesel::table! {
    donor_name_checks (donation_id) {
        donation_id -> Uuid,
        confidence -> Int2,
        created_at -> Timestamptz,
        checked_by -> Nullable<Uuid>,
        checked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    statement_withdrawals (statement_id) {
        statement_id -> Uuid,
        reason -> Text,
        withdrawn_by -> Uuid,
        withdrawn_at -> Timestamptz,
        lines_removed -> Int4,
    }
}

diesel::table! {
    bank_opening_balances (bank_account_id) {
        bank_account_id -> Uuid,
        as_of -> Date,
        amount -> Numeric,
        campaign_id -> Nullable<Uuid>,
        journal_entry_id -> Uuid,
        recorded_by -> Uuid,
        recorded_at -> Timestamptz,
    }
}

diesel::joinable!(accounts -> funds (unit_id));
diesel::joinable!(statement_withdrawals -> bank_statements (statement_id));
diesel::joinable!(donor_name_checks -> donations (donation_id));
diesel::joinable!(balance_buckets -> accounts (account_id));
diesel::joinable!(bank_accounts -> accounts (account_id));
diesel::joinable!(postings -> journal_entries (entry_id));
diesel::joinable!(postings -> accounts (account_id));
diesel::joinable!(donations -> journal_entries (journal_entry_id));
diesel::joinable!(funds -> units (unit_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(role_assignments -> units (unit_id));
diesel::joinable!(role_assignments -> users (user_id));
diesel::joinable!(households -> units (unit_id));
diesel::joinable!(houses -> households (household_id));
diesel::joinable!(house_payments -> houses (house_id));
diesel::joinable!(house_contributions -> houses (house_id));
diesel::joinable!(disbursements -> households (household_id));
diesel::joinable!(tet_batch_recipients -> tet_batches (batch_id));
diesel::joinable!(tet_batch_recipients -> households (household_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    attachments,
    audit_events,
    balance_buckets,
    bank_accounts,
    bank_opening_balances,
    bank_statements,
    campaigns,
    chart_of_accounts,
    disbursements,
    donations,
    donor_name_checks,
    funds,
    handover_lines,
    handover_obligations,
    handover_shares,
    handover_villages,
    handovers,
    households,
    house_contributions,
    house_payments,
    houses,
    housing_norms,
    idempotency_keys,
    journal_entries,
    journal_seals,
    periods,
    postings,
    receipt_counters,
    refresh_tokens,
    reservations,
    role_assignments,
    seal_queue,
    statement_lines,
    statement_withdrawals,
    tet_batch_recipients,
    tet_batches,
    transfers,
    unit_names,
    unit_successions,
    units,
    users,
);
