//! An example request and response for every operation that creates something (every `201`),
//! taken from a real exchange with the demo (`serve --demo`) and trimmed to what a reader needs.
//! Schemathesis sends the request examples too, so each must match its schema.

use serde_json::{json, Value};
use utoipa::openapi::RefOr;
use utoipa::Modify;

/// An operation's examples: its request body per media type, and its `201` body.
pub struct Example {
    pub operation_id: &'static str,
    pub requests: Vec<(&'static str, Value)>,
    pub created: Value,
}

/// The examples, ids and all as the demo answered them, so they agree with one another: the
/// donation's campaign and bank account are the ones created above it, and so on.
pub fn table() -> Vec<Example> {
    vec![
        // a commune under Lạng Sơn, by an admin of the province
        Example {
            operation_id: "createUnit",
            requests: vec![
                ("application/json", json!({
                    "code": "06099",
                    "name": "Hữu Lũng",
                    "full_name": "Xã Hữu Lũng",
                    "tier": "commune",
                    "parent_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                    "kind": "Xã"
                })),
            ],
            created: json!({
                "id": "01a23827-bb4d-762d-af2a-23b7cd497277",
                "code": "06099",
                "name": "Hữu Lũng",
                "full_name": "Xã Hữu Lũng",
                "kind": "Xã",
                "tier": "commune",
                "parent_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                "path": [
                    "TW",
                    "20",
                    "06099"
                ],
                "status": "active",
                "dissolved_on": null,
                "created_at": "2026-12-02T19:07:37.677480Z"
            }),
        },
        // an officer of the commune Đoàn Kết
        Example {
            operation_id: "createUser",
            requests: vec![
                ("application/json", json!({
                    "username": "officer.nguyen",
                    "password": "mat-khau-dai-2026",
                    "full_name": "Nguyễn Thị Lan",
                    "roles": [
                        {
                            "role": "officer",
                            "unit_id": "01a23827-9734-731c-9ae6-86c458360578"
                        }
                    ]
                })),
            ],
            created: json!({
                "id": "01a23827-bcf7-718c-92be-3e1fadf89523",
                "username": "officer.nguyen",
                "full_name": "Nguyễn Thị Lan",
                "disabled": false,
                "disabled_at": null,
                "created_at": "2026-12-02T19:07:38.065936Z",
                "roles": [
                    {
                        "role": "officer",
                        "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                        "unit_code": "06001",
                        "tier": "commune"
                    }
                ]
            }),
        },
        // a restricted Tết campaign of the commune
        Example {
            operation_id: "createCampaign",
            requests: vec![
                ("application/json", json!({
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "kind": "tet",
                    "name": "Tết vì người nghèo 2027",
                    "starts_on": "2026-11-01",
                    "ends_on": "2027-01-31",
                    "restricted": true
                })),
            ],
            created: json!({
                "id": "01a23827-bd78-7202-bd9b-3a5895eb5765",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "kind": "tet",
                "name": "Tết vì người nghèo 2027",
                "starts_on": "2026-11-01",
                "ends_on": "2027-01-31",
                "restricted": true,
                "created_at": "2026-12-02T19:07:38.212994Z"
            }),
        },
        // the commune fund's Vietcombank account (ledger sub-account 1121.N)
        Example {
            operation_id: "createBankAccount",
            requests: vec![
                ("application/json", json!({
                    "bank_bin": "970436",
                    "bank_name": "Vietcombank",
                    "account_number": "0071000123456",
                    "account_name": "Ủy ban MTTQ xã Đoàn Kết",
                    "currency": "VND"
                })),
            ],
            created: json!({
                "id": "01a23827-bdf9-725c-a02c-57e9a3b49d8b",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "bank_bin": "970436",
                "bank_name": "Vietcombank",
                "account_number": "0071000123456",
                "account_name": "Ủy ban MTTQ xã Đoàn Kết",
                "currency": "VND",
                "ledger_account_id": "01a23827-bdf9-725c-a02c-57e8ed5af2a0",
                "ledger_account_code": "1121.1",
                "created_at": "2026-12-02T19:07:38.347688Z"
            }),
        },
        // the money the account held before these books, as the bank's first statement opens
        Example {
            operation_id: "recordOpeningBalance",
            requests: vec![
                ("application/json", json!({
                    "as_of": "2026-10-16",
                    "amount": "1250000000"
                })),
            ],
            created: json!({
                "bank_account_id": "01a23827-bdf9-725c-a02c-57e9a3b49d8b",
                "as_of": "2026-10-16",
                "amount": "1250000000",
                "campaign_id": null,
                "journal_entry_id": "01a2382b-0c41-7d8e-9f3a-6b1c2d3e4f50",
                "recorded_by": "01a23827-9734-731c-9ae6-86c458360579",
                "recorded_at": "2026-12-07T09:15:02.118204Z"
            }),
        },
        // a company's bank transfer to the Tết campaign; its contact details show to officers
        Example {
            operation_id: "createDonation",
            requests: vec![
                ("application/json", json!({
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "campaign_id": "01a23827-bd78-7202-bd9b-3a5895eb5765",
                    "channel": "bank_transfer",
                    "amount": "5000000",
                    "received_on": "2026-11-20",
                    "bank_account_id": "01a23827-bdf9-725c-a02c-57e9a3b49d8b",
                    "bank_reference": "FT26324123456",
                    "donor": {
                        "kind": "organization",
                        "name": "Công ty TNHH Ánh Dương",
                        "phone": "0912345678"
                    },
                    "public_display": "name",
                    "note": "Ủng hộ Tết"
                })),
            ],
            created: json!({
                "id": "01a23827-bea2-75f5-80da-c1d8d5e5245d",
                "receipt_number": "06001-2026-000002",
                "status": "recorded",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "campaign_id": "01a23827-bd78-7202-bd9b-3a5895eb5765",
                "channel": "bank_transfer",
                "amount": "5000000",
                "currency": "VND",
                "fx_rate": null,
                "amount_vnd": "5000000",
                "received_on": "2026-11-20",
                "donor": {
                    "kind": "organization",
                    "name": "Công ty TNHH Ánh Dương",
                    "phone": "0912345678"
                },
                "public_display": "name",
                "donor_name_to_check": false,
                "bank_account_id": "01a23827-bdf9-725c-a02c-57e9a3b49d8b",
                "bank_reference": "FT26324123456",
                "in_kind_items": null,
                "note": "Ủng hộ Tết",
                "journal_entry_id": "01a23827-bea2-75f5-80da-c1d997bc672d",
                "void_entry_id": null,
                "void_reason": null,
                "voided_at": null,
                "created_at": "2026-12-02T19:07:38.674886Z"
            }),
        },
        // a poor household; the national ID comes back as its last four digits only
        Example {
            operation_id: "createHousehold",
            requests: vec![
                ("application/json", json!({
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "head_name": "Hoàng Văn Nam",
                    "national_id": "020190001234",
                    "village": "Thôn Bản Vàng",
                    "address": "Thôn Bản Vàng, xã Đoàn Kết",
                    "members": 4,
                    "status": "poor",
                    "status_year": 2026,
                    "ethnicity": "Tày",
                    "phone": "0987654321"
                })),
            ],
            created: json!({
                "id": "01a23827-bfa9-70ac-b0af-4c4bbb363046",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "head_name": "Hoàng Văn Nam",
                "national_id_last4": "1234",
                "village": "Thôn Bản Vàng",
                "address": "Thôn Bản Vàng, xã Đoàn Kết",
                "members": 4,
                "status": "poor",
                "status_year": 2026,
                "poverty_cert_no": null,
                "ethnicity": "Tày",
                "phone": "0987654321",
                "created_at": "2026-12-02T19:07:38.793645Z",
                "updated_at": "2026-12-02T19:07:38.793645Z",
                "warnings": []
            }),
        },
        // bank interest booked by hand
        Example {
            operation_id: "createJournalEntry",
            requests: vec![
                ("application/json", json!({
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "effective_date": "2026-11-25",
                    "description": "Lãi tiền gửi tháng 11",
                    "reason": "Ghi nhận lãi ngân hàng theo sao kê",
                    "postings": [
                        {
                            "account_code": "1121.1",
                            "side": "debit",
                            "amount": "12500"
                        },
                        {
                            "account_code": "5118",
                            "side": "credit",
                            "amount": "12500"
                        }
                    ]
                })),
            ],
            created: json!({
                "id": "01a23827-c4fc-745e-ac1a-929e889c495b",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "effective_date": "2026-11-25",
                "recorded_at": "2026-12-02T19:07:40.156459Z",
                "source_type": "manual",
                "source_id": null,
                "description": "Lãi tiền gửi tháng 11",
                "reason": "Ghi nhận lãi ngân hàng theo sao kê",
                "reverses_id": null,
                "reversed_by": null,
                "created_by": "01a23827-9ac9-770a-8723-3e7187843b18",
                "postings": [
                    {
                        "account_id": "01a23827-bdf9-725c-a02c-57e8ed5af2a0",
                        "account_code": "1121.1",
                        "side": "debit",
                        "amount": "12500",
                        "campaign_id": null
                    },
                    {
                        "account_id": "01a23827-9776-76ad-9091-dca66e8e0d8d",
                        "account_code": "5118",
                        "side": "credit",
                        "amount": "12500",
                        "campaign_id": null
                    }
                ]
            }),
        },
        // the interest entry above, reversed
        Example {
            operation_id: "reverseJournalEntry",
            requests: vec![
                ("application/json", json!({
                    "reason": "Ghi nhầm số tiền lãi",
                    "effective_date": "2026-11-26"
                })),
            ],
            created: json!({
                "id": "01a23827-c508-772a-9c8d-a913ddfbfa6b",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "effective_date": "2026-11-26",
                "recorded_at": "2026-12-02T19:07:40.167228Z",
                "source_type": "reversal",
                "source_id": null,
                "description": "Đảo bút toán: Lãi tiền gửi tháng 11",
                "reason": "Ghi nhầm số tiền lãi",
                "reverses_id": "01a23827-c4fc-745e-ac1a-929e889c495b",
                "reversed_by": null,
                "created_by": "01a23827-9ac9-770a-8723-3e7187843b18",
                "postings": [
                    {
                        "account_id": "01a23827-bdf9-725c-a02c-57e8ed5af2a0",
                        "account_code": "1121.1",
                        "side": "credit",
                        "amount": "12500",
                        "campaign_id": null
                    },
                    {
                        "account_id": "01a23827-9776-76ad-9091-dca66e8e0d8d",
                        "account_code": "5118",
                        "side": "debit",
                        "amount": "12500",
                        "campaign_id": null
                    }
                ]
            }),
        },
        // a medical grant for a household, paid in cash
        Example {
            operation_id: "createDisbursement",
            requests: vec![
                ("application/json", json!({
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "category": "medical",
                    "household_id": "01a23827-bfa9-70ac-b0af-4c4bbb363046",
                    "amount": "2000000",
                    "method": "cash",
                    "description": "Hỗ trợ viện phí điều trị tại Bệnh viện tỉnh"
                })),
            ],
            created: json!({
                "id": "01a23827-bfd8-7107-a570-79b34343c465",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "category": "medical",
                "household_id": "01a23827-bfa9-70ac-b0af-4c4bbb363046",
                "campaign_id": null,
                "restricted": false,
                "amount": "2000000",
                "method": "cash",
                "bank_account_id": null,
                "description": "Hỗ trợ viện phí điều trị tại Bệnh viện tỉnh",
                "status": "submitted",
                "submitted_by": "01a23827-9ac2-751e-ba07-7f4e20bcaae8",
                "submitted_at": "2026-12-02T19:07:38.841233Z",
                "decided_by": null,
                "decided_at": null,
                "decision_reason": null,
                "paid_by": null,
                "paid_on": null,
                "journal_entry_id": null
            }),
        },
        // cash and a gift bag for two households of the commune
        Example {
            operation_id: "createTetBatch",
            requests: vec![
                ("application/json", json!({
                    "campaign_id": "01a23827-bd78-7202-bd9b-3a5895eb5765",
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "gift": {
                        "cash_amount": "500000",
                        "in_kind_description": "Gạo 10 kg, bánh chưng",
                        "in_kind_value": "200000"
                    },
                    "household_ids": [
                        "01a23827-9bac-77c9-876d-1d9dea6c357f",
                        "01a23827-9bd8-77c4-aff2-d6a193b12579"
                    ],
                    "method": "cash"
                })),
            ],
            created: json!({
                "id": "01a23827-c0f8-70a1-8f2e-eb4a6d210eef",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "campaign_id": "01a23827-bd78-7202-bd9b-3a5895eb5765",
                "earmark_id": "01a23827-bd78-7202-bd9b-3a5895eb5765",
                "gift": {
                    "cash_amount": "500000",
                    "in_kind_description": "Gạo 10 kg, bánh chưng",
                    "in_kind_value": "200000"
                },
                "method": "cash",
                "bank_account_id": null,
                "status": "submitted",
                "household_count": 2,
                "pending_count": 2,
                "delivered_count": 0,
                "returned_count": 0,
                "withdrawn_count": 0,
                "amount": "1400000",
                "delivered_amount": "0",
                "returned_amount": "0",
                "submitted_by": "01a23827-9ac2-751e-ba07-7f4e20bcaae8",
                "submitted_at": "2026-12-02T19:07:39.087683Z",
                "decided_by": null,
                "decided_at": null,
                "decision_reason": null,
                "disbursed_by": null,
                "disbursed_at": null,
                "disbursed_on": null,
                "journal_entry_id": null,
                "closed_by": null,
                "closed_at": null,
                "closed_on": null,
                "settlement_entry_id": null
            }),
        },
        // the province allocates money to the commune
        Example {
            operation_id: "createTransfer",
            requests: vec![
                ("application/json", json!({
                    "from_unit_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                    "to_unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "amount": "10000000",
                    "purpose": "Điều tiết hỗ trợ hộ nghèo xã Đoàn Kết",
                    "decision_no": "15/QĐ-MTTQ"
                })),
            ],
            created: json!({
                "id": "01a23827-c110-75ef-9ced-c305fb047f99",
                "from_unit_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                "to_unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "direction": "allocation",
                "amount": "10000000",
                "campaign_id": null,
                "purpose": "Điều tiết hỗ trợ hộ nghèo xã Đoàn Kết",
                "decision_no": "15/QĐ-MTTQ",
                "allocation_id": null,
                "status": "submitted",
                "submitted_by": "01a23827-9a18-7792-ac11-760b65df7005",
                "submitted_at": "2026-12-02T19:07:39.152513Z",
                "decided_by": null,
                "decided_at": null,
                "decision_reason": null,
                "sent_on": null,
                "send_bank_account_id": null,
                "send_entry_id": null,
                "received_on": null,
                "receive_bank_account_id": null,
                "receive_entry_id": null
            }),
        },
        // the province proposes the handover of a merged commune to the commune it joined
        Example {
            operation_id: "createHandover",
            requests: vec![
                ("application/json", json!({
                    "from_unit_id": "01a23827-9734-731c-9ae6-86c4a1b2c3d4",
                    "effective_on": "2025-07-01",
                    "decision_no": "1673/NQ-UBTVQH15",
                    "shares": [{"to_unit_id": "01a23827-9734-731c-9ae6-86c458360578", "fraction": "1"}]
                })),
            ],
            created: json!({
                "id": "01a23827-d220-7a1b-8c3d-4e5f60718293",
                "status": "submitted",
                "from_unit_id": "01a23827-9734-731c-9ae6-86c4a1b2c3d4",
                "effective_on": "2025-07-01",
                "decision_no": "1673/NQ-UBTVQH15",
                "shares": [{"to_unit_id": "01a23827-9734-731c-9ae6-86c458360578", "fraction": "1"}],
                "lines": [
                    {"to_unit_id": "01a23827-9734-731c-9ae6-86c458360578", "pool": "cash", "amount": "12500000"},
                    {"to_unit_id": "01a23827-9734-731c-9ae6-86c458360578", "pool": "bank",
                     "bank_account_id": "01a23827-a1b2-7c3d-8e4f-5a6b7c8d9e0f", "amount": "48000000"},
                    {"to_unit_id": "01a23827-9734-731c-9ae6-86c458360578", "pool": "cash",
                     "campaign_id": "01a23827-b2c3-7d4e-9f5a-6b7c8d9e0f1a", "amount": "3000000"}
                ],
                "households_moved": 41,
                "households": [
                    {"village": "Thôn Nà Pàn", "to_unit_id": "01a23827-9734-731c-9ae6-86c458360578"}
                ],
                "obligations": [],
                "journal_entry_ids": [],
                "submitted_by": "01a23827-9a18-7792-ac11-760b65df7005",
                "submitted_at": "2026-12-07T09:12:00.000000Z"
            }),
        },
        // the province splits 30,000,000 over two communes by weight 2:1
        Example {
            operation_id: "allocateTransfers",
            requests: vec![
                ("application/json", json!({
                    "from_unit_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                    "amount": "30000000",
                    "purpose": "Phân bổ quỹ hỗ trợ Tết",
                    "decision_no": "16/QĐ-MTTQ",
                    "shares": [
                        {
                            "to_unit_id": "01a23827-9734-731c-9ae6-86c12b1a2473",
                            "weight": 2
                        },
                        {
                            "to_unit_id": "01a23827-9734-731c-9ae6-86c20d72ca29",
                            "weight": 1
                        }
                    ]
                })),
            ],
            created: json!({
                "allocation_id": "01a23827-c244-7325-bdf9-9cdfacc8e2e9",
                "items": [
                    {
                        "id": "01a23827-c244-7325-bdf9-9ce0cb34b50b",
                        "from_unit_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                        "to_unit_id": "01a23827-9734-731c-9ae6-86c12b1a2473",
                        "direction": "allocation",
                        "amount": "20000000",
                        "campaign_id": null,
                        "purpose": "Phân bổ quỹ hỗ trợ Tết",
                        "decision_no": "16/QĐ-MTTQ",
                        "allocation_id": "01a23827-c244-7325-bdf9-9cdfacc8e2e9",
                        "status": "submitted",
                        "submitted_by": "01a23827-9a18-7792-ac11-760b65df7005",
                        "submitted_at": "2026-12-02T19:07:39.465842Z",
                        "decided_by": null,
                        "decided_at": null,
                        "decision_reason": null,
                        "sent_on": null,
                        "send_bank_account_id": null,
                        "send_entry_id": null,
                        "received_on": null,
                        "receive_bank_account_id": null,
                        "receive_entry_id": null
                    },
                    {
                        "id": "01a23827-c244-7325-bdf9-9ce16874b1e3",
                        "from_unit_id": "01a23827-9734-731c-9ae6-86c0809f24c1",
                        "to_unit_id": "01a23827-9734-731c-9ae6-86c20d72ca29",
                        "direction": "allocation",
                        "amount": "10000000",
                        "campaign_id": null,
                        "purpose": "Phân bổ quỹ hỗ trợ Tết",
                        "decision_no": "16/QĐ-MTTQ",
                        "allocation_id": "01a23827-c244-7325-bdf9-9cdfacc8e2e9",
                        "status": "submitted",
                        "submitted_by": "01a23827-9a18-7792-ac11-760b65df7005",
                        "submitted_at": "2026-12-02T19:07:39.465842Z",
                        "decided_by": null,
                        "decided_at": null,
                        "decision_reason": null,
                        "sent_on": null,
                        "send_bank_account_id": null,
                        "send_entry_id": null,
                        "received_on": null,
                        "receive_bank_account_id": null,
                        "receive_entry_id": null
                    }
                ]
            }),
        },
        // a new house: the fund's support at the norm, the household's and a sponsor's shares
        Example {
            operation_id: "createHouse",
            requests: vec![
                ("application/json", json!({
                    "household_id": "01a23827-c314-7768-b9f5-4a62b36e9749",
                    "funding_unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "kind": "new",
                    "estimated_cost": "90000000",
                    "area_m2": "45.5",
                    "proposed_on": "2026-11-20",
                    "funding_plan": [
                        {
                            "source": "fund",
                            "amount": "60000000"
                        },
                        {
                            "source": "household",
                            "amount": "10000000"
                        },
                        {
                            "source": "sponsor",
                            "amount": "20000000",
                            "name": "Công ty Xi măng Đồng Bành"
                        }
                    ]
                })),
            ],
            created: json!({
                "id": "01a23827-c3c1-7487-af8e-b1f15e1e6b18",
                "household_id": "01a23827-c314-7768-b9f5-4a62b36e9749",
                "funding_unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "kind": "new",
                "campaign_id": null,
                "earmark_id": null,
                "restricted": false,
                "proposed_on": "2026-11-20",
                "norm_amount": "60000000",
                "support_amount": "60000000",
                "norm_override_reason": null,
                "estimated_cost": "90000000",
                "area_m2": "45.5",
                "funding_plan": [
                    {
                        "amount": "60000000",
                        "source": "fund"
                    },
                    {
                        "amount": "10000000",
                        "source": "household"
                    },
                    {
                        "amount": "20000000",
                        "name": "Công ty Xi măng Đồng Bành",
                        "source": "sponsor"
                    }
                ],
                "status": "proposed",
                "paid_amount": "0",
                "remaining_support": "60000000",
                "submitted_by": "01a23827-9ac2-751e-ba07-7f4e20bcaae8",
                "submitted_at": "2026-12-02T19:07:39.842129Z",
                "approved_by": null,
                "approved_at": null,
                "started_on": null,
                "started_by": null,
                "completed_on": null,
                "completed_by": null,
                "meets_3_cung": null,
                "handed_over_on": null,
                "handed_over_by": null,
                "cancelled_at": null,
                "cancelled_by": null,
                "cancel_reason": null,
                "evidence": {}
            }),
        },
        // a progress tranche of an approved project, in cash
        Example {
            operation_id: "payHouseTranche",
            requests: vec![
                ("application/json", json!({
                    "amount": "10000000",
                    "stage": "progress",
                    "method": "cash",
                    "paid_on": "2026-11-26"
                })),
            ],
            created: json!({
                "id": "01a23827-c4e2-744d-adac-032f27c33fa1",
                "house_id": "01a23827-9d87-7559-80ab-98bb1ae86955",
                "stage": "progress",
                "amount": "10000000",
                "method": "cash",
                "bank_account_id": null,
                "paid_on": "2026-11-26",
                "journal_entry_id": "01a23827-c4d5-74ff-b132-22095ecb75d8",
                "paid_by": "01a23827-9a80-7509-80f0-1fa61fc59726",
                "paid_at": "2026-12-02T19:07:40.116180Z"
            }),
        },
        // twenty labour days of the village youth union
        Example {
            operation_id: "createHouseContribution",
            requests: vec![
                ("application/json", json!({
                    "source": "community",
                    "kind": "labour",
                    "value": "4000000",
                    "labour_days": "20",
                    "contributed_on": "2026-11-25",
                    "name": "Đoàn thanh niên thôn Bản Vàng",
                    "description": "Đào móng, vận chuyển vật liệu"
                })),
            ],
            created: json!({
                "id": "01a23827-c4c4-768b-95eb-653d9b1a9b3c",
                "house_id": "01a23827-9d87-7559-80ab-98bb1ae86955",
                "source": "community",
                "kind": "labour",
                "value": "4000000",
                "labour_days": "20",
                "name": "Đoàn thanh niên thôn Bản Vàng",
                "description": "Đào móng, vận chuyển vật liệu",
                "contributed_on": "2026-11-25",
                "recorded_by": "01a23827-9a18-7792-ac11-760b65df7005",
                "recorded_at": "2026-12-02T19:07:40.100275Z"
            }),
        },
        // a photo of the acceptance record (the form's `file` part carries the bytes)
        Example {
            operation_id: "uploadAttachment",
            requests: vec![
                ("multipart/form-data", json!({
                    "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                    "file": "(the bytes of bien-ban-nghiem-thu.png)"
                })),
            ],
            created: json!({
                "id": "01a23827-d1ac-72a1-ac57-319f6ee8d829",
                "sha256": "62d7693d527ce6e5cf4a4f54478b889fe3e01a144d09a0a0482ca512d4225b3a",
                "size": 66,
                "content_type": "image/png",
                "unit_id": "01a23827-9734-731c-9ae6-86c458360578",
                "filename": "bien-ban-nghiem-thu.png",
                "uploaded_at": "2026-12-02T19:07:43.404947Z"
            }),
        },
        // a generic-format CSV with one credit and one fee
        Example {
            operation_id: "importStatement",
            requests: vec![
                ("text/csv", json!("date,reference,debit,credit,balance,description\n2026-11-27,5303.81333,,3884000,3884000,IBFT LOC XUAN GIANG chuyen tien ung ho quy vi nguoi ngheo\n2026-11-28,5303.81334,11000,,3873000,PHI DICH VU SMS BANKING T11\n")),
                ("multipart/form-data", json!({
                    "file": "date,reference,debit,credit,balance,description\n2026-11-27,5303.81333,,3884000,3884000,IBFT LOC XUAN GIANG chuyen tien ung ho quy vi nguoi ngheo\n2026-11-28,5303.81334,11000,,3873000,PHI DICH VU SMS BANKING T11\n"
                })),
            ],
            created: json!({
                "statement_id": "01a23827-c512-766b-a97a-104c24eb4baa",
                "lines_total": 2,
                "lines_new": 2,
                "lines_duplicate": 0,
                "credits_total": "3884000",
                "debits_total": "11000",
                "opening_balance": "0",
                "closing_balance": "3873000",
                "auto_matched": 0
            }),
        },
        // one credit line of the statement above made a donation
        Example {
            operation_id: "createDonationsFromStatementLines",
            requests: vec![
                ("application/json", json!({
                    "line_ids": [
                        "01a23827-c512-766b-a97a-104d67618dc8"
                    ]
                })),
            ],
            created: json!({
                "created": 1,
                "skipped": 0,
                "amount_vnd": "3884000",
                "donation_ids": [
                    "01a23827-d17a-748f-98bf-1d9951060929"
                ],
                "first_receipt_number": "06001-2026-000003",
                "last_receipt_number": "06001-2026-000003"
            }),
        },
        // the SMS banking fee line of the statement above booked as a fee
        Example {
            operation_id: "createFeesFromStatementLines",
            requests: vec![
                ("application/json", json!({
                    "line_ids": [
                        "01a23827-c512-766b-a97a-104ecdc2ab48"
                    ]
                })),
            ],
            created: json!({
                "created": 1,
                "skipped": 0,
                "amount_vnd": "11000",
                "entry_ids": [
                    "01a23827-d193-76ca-baf0-8bc3889cce08"
                ]
            }),
        },
    ]
}

/// Puts each example on its operation's request body and `201` response.
pub struct Examples;

impl Modify for Examples {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let table = table();
        for item in openapi.paths.paths.values_mut() {
            for op in super::operations(item) {
                let Some(example) = table
                    .iter()
                    .find(|e| op.operation_id.as_deref() == Some(e.operation_id))
                else {
                    continue;
                };
                if let Some(body) = op.request_body.as_mut() {
                    for (media_type, value) in &example.requests {
                        if let Some(content) = body.content.get_mut(*media_type) {
                            content.example = Some(value.clone());
                        }
                    }
                }
                if let Some(RefOr::T(created)) = op.responses.responses.get_mut("201") {
                    for content in created.content.values_mut() {
                        content.example = Some(example.created.clone());
                    }
                }
            }
        }
    }
}
