//! An applicant's ID number (发展党员): recorded from the application on, encrypted (SM4-GCM)
//! beside its blind index as a member's is, masked on every screen, in full only through a
//! reveal with a reason (audited). Step 17 (上级党委审批) makes the member record and needs
//! it: without one the step is refused, and with one it goes into the member record.

use qunlian_domain::IdNumber;
use qunlian_domain::auth::{Action, Caller};
use qunlian_domain::people::development::{Stage, Step};
use qunlian_domain::people::{RevealReason, progress_key};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::People;
use super::development::refused;
use crate::entity::development_person;
use crate::{Result, StoreError};

/// An ID number as stored: its ciphertext and its blind index.
pub(super) struct Sealed(pub String, pub String);

impl People<'_> {
    /// The applicant's number sealed, once no member and no other person in the pipeline
    /// (`except` is the person being edited) holds it.
    pub(super) async fn applicant_number(
        &self,
        caller: &Caller,
        id: Option<&IdNumber>,
        except: Option<i64>,
    ) -> Result<Option<Sealed>> {
        let Some(id) = id else { return Ok(None) };
        let crypto = self.store.crypto();
        let bidx = crypto.blind_index(id.as_str());
        self.refuse_duplicate(caller, &bidx, None).await?;
        let mut q = development_person::Entity::find().filter(development_person::Column::IdNumberBidx.eq(&bidx));
        if let Some(me) = except {
            q = q.filter(development_person::Column::Id.ne(me));
        }
        if let Some(other) = q.one(self.store.db()).await? {
            let visible = self.person_in_scope(caller, other.id).await.is_ok();
            return Err(StoreError::invalid(
                "身份证号码",
                if visible {
                    format!("已列入发展（“{}”，编号 {}），请勿重复登记", other.name, other.id)
                } else {
                    "该申请人已在其他党组织列入发展".to_owned()
                },
            ));
        }
        Ok(Some(Sealed(crypto.encrypt(id.as_str()), bidx)))
    }

    /// The ID number a step needs: the step making the member record (step 17) refuses
    /// without one, with what to do; the number must not be a member's meanwhile.
    pub(super) async fn id_number_for_step(
        &self,
        caller: &Caller,
        person: &development_person::Model,
        step: &Step,
    ) -> Result<Option<IdNumber>> {
        if step.reaches != Some(Stage::Probationary) || person.member_id.is_some() {
            return Ok(None);
        }
        let Some(enc) = person.id_number_enc.as_deref() else {
            return Err(refused(
                progress_key::STEP,
                format!(
                    "第{}步“{}”：请先在本页登记“{}”的身份证号码——批准后即登记为预备党员，党员名册须有身份证号码",
                    step.number, step.name, person.name
                ),
            ));
        };
        let plain = self.store.crypto().decrypt(enc)?;
        let id = IdNumber::parse(&plain).map_err(|e| StoreError::invalid("身份证号码", e.to_string()))?;
        if let Some(bidx) = person.id_number_bidx.as_deref() {
            self.refuse_duplicate(caller, bidx, None).await?;
        }
        Ok(Some(id))
    }

    /// Records (or corrects) the ID number of a person in the pipeline, until step 17 made
    /// the member record (then the member's page holds it); audited without the number.
    pub async fn set_applicant_id_number(&self, caller: &Caller, id: i64, number: &IdNumber) -> Result<()> {
        self.store.require(caller, Action::WriteMembers)?;
        let person = self.person_in_scope(caller, id).await?;
        if let Some(mid) = person.member_id {
            return Err(StoreError::invalid(
                "身份证号码",
                format!("“{}”已登记为党员（编号 {mid}），请在党员信息页修改", person.name),
            ));
        }
        let Some(Sealed(enc, bidx)) = self.applicant_number(caller, Some(number), Some(id)).await? else {
            return Ok(());
        };
        if person.id_number_bidx.as_deref() == Some(bidx.as_str()) {
            return Ok(());
        }
        let what = if person.id_number_enc.is_some() { "更改" } else { "登记" };
        let name = person.name.clone();
        let mut a: development_person::ActiveModel = person.into();
        a.id_number_enc = Set(Some(enc));
        a.id_number_bidx = Set(Some(bidx));
        let line = format!("{what}“{name}”的身份证号码");
        self.store.update_recorded(caller, a, "development.update", ("development_person", id), line).await?;
        Ok(())
    }

    /// The applicant's ID number in full, for a role that may reveal personal data, with the
    /// reason written; the audit log keeps who, whom and why (never the number).
    pub async fn reveal_applicant(&self, caller: &Caller, id: i64, reason: &RevealReason) -> Result<Option<String>> {
        self.store.require(caller, Action::RevealPersonal)?;
        let person = self.person_in_scope(caller, id).await?;
        let number = person.id_number_enc.as_deref().map(|e| self.store.crypto().decrypt(e)).transpose()?;
        self.store
            .audit()
            .record(
                caller,
                "personal.read",
                "development_person",
                Some(id.to_string()),
                format!("查看发展对象“{}”的身份证号码，原因：{}", person.name, reason.as_str()),
            )
            .await?;
        Ok(number)
    }
}
