//! The codes of the chart of accounts of `ledger.md`, as a type: plain data every layer may name
//! (the ledger posts by them, queries filter by them). The table `chart_of_accounts` (migrations
//! 000001 and, for the reform's handover, 000202) holds the same list for the database; a test in
//! `ledger::chart` keeps the two equal.

/// A code of the chart of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AccountCode {
    /// 1111 Tiền mặt — cash on hand.
    Cash,
    /// 1121 Tiền gửi ngân hàng, kho bạc — the template of each bank account's `1121.N`.
    Bank,
    /// 1131 Tiền đang chuyển — bank money handed over, until the successor records where it
    /// arrived.
    InTransit,
    /// 1361 Phải thu nội bộ — due from other units.
    DueFromUnits,
    /// 1551 Hàng hóa hiện vật — donated goods.
    Goods,
    /// 3361 Phải trả nội bộ — due to other units.
    DueToUnits,
    /// 4111 Quỹ Vì người nghèo — the accumulated fund balance.
    FundBalance,
    /// 5111 Thu ủng hộ bằng tiền — cash and bank donations.
    CashDonations,
    /// 5112 Thu ủng hộ hiện vật — donations in kind.
    InKindDonations,
    /// 5113 Thu điều tiết — transfers in from other units.
    TransfersIn,
    /// 5114 Nhận bàn giao — what a successor received from the units it succeeded.
    ReceivedInHandover,
    /// 5118 Thu khác — other income.
    OtherIncome,
    /// 6111 Chi xây mới nhà Đại đoàn kết — new Great Unity houses.
    NewHouses,
    /// 6112 Chi sửa chữa nhà — house repairs.
    HouseRepairs,
    /// 6121 Chi tặng quà Tết — Tết gifts.
    TetGifts,
    /// 6131 Chi hỗ trợ khám chữa bệnh — medical support.
    Medical,
    /// 6141 Chi hỗ trợ học tập — schooling support.
    Education,
    /// 6151 Chi hỗ trợ sinh kế — livelihood support.
    Livelihood,
    /// 6161 Chi cứu trợ đột xuất — emergency relief.
    EmergencyRelief,
    /// 6171 Chi công trình an sinh — community works.
    CommunityWorks,
    /// 6191 Chi khác — other spending.
    OtherSpending,
    /// 6211 Chi điều tiết — transfers out to other units.
    TransfersOut,
    /// 6221 Bàn giao — what an ending fund handed over to its successors.
    HandedOver,
    /// 6411 Phí ngân hàng — bank fees.
    BankFees,
}

impl AccountCode {
    pub const ALL: [AccountCode; 24] = [
        AccountCode::Cash,
        AccountCode::Bank,
        AccountCode::InTransit,
        AccountCode::DueFromUnits,
        AccountCode::Goods,
        AccountCode::DueToUnits,
        AccountCode::FundBalance,
        AccountCode::CashDonations,
        AccountCode::InKindDonations,
        AccountCode::TransfersIn,
        AccountCode::ReceivedInHandover,
        AccountCode::OtherIncome,
        AccountCode::NewHouses,
        AccountCode::HouseRepairs,
        AccountCode::TetGifts,
        AccountCode::Medical,
        AccountCode::Education,
        AccountCode::Livelihood,
        AccountCode::EmergencyRelief,
        AccountCode::CommunityWorks,
        AccountCode::OtherSpending,
        AccountCode::TransfersOut,
        AccountCode::HandedOver,
        AccountCode::BankFees,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountCode::Cash => "1111",
            AccountCode::Bank => "1121",
            AccountCode::InTransit => "1131",
            AccountCode::DueFromUnits => "1361",
            AccountCode::Goods => "1551",
            AccountCode::DueToUnits => "3361",
            AccountCode::FundBalance => "4111",
            AccountCode::CashDonations => "5111",
            AccountCode::InKindDonations => "5112",
            AccountCode::TransfersIn => "5113",
            AccountCode::ReceivedInHandover => "5114",
            AccountCode::OtherIncome => "5118",
            AccountCode::NewHouses => "6111",
            AccountCode::HouseRepairs => "6112",
            AccountCode::TetGifts => "6121",
            AccountCode::Medical => "6131",
            AccountCode::Education => "6141",
            AccountCode::Livelihood => "6151",
            AccountCode::EmergencyRelief => "6161",
            AccountCode::CommunityWorks => "6171",
            AccountCode::OtherSpending => "6191",
            AccountCode::TransfersOut => "6211",
            AccountCode::HandedOver => "6221",
            AccountCode::BankFees => "6411",
        }
    }

    /// The chart code of a stored account code: `1121.3` is a bank account's `1121`.
    pub fn parse(code: &str) -> Option<AccountCode> {
        let chart = code.split_once('.').map_or(code, |(chart, _)| chart);
        AccountCode::ALL.into_iter().find(|c| c.as_str() == chart)
    }

    /// Money that can pay out at once: cash and the bank accounts.
    pub fn is_liquid(self) -> bool {
        matches!(self, AccountCode::Cash | AccountCode::Bank)
    }
}

impl std::fmt::Display for AccountCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
