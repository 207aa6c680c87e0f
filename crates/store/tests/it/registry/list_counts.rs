//! The enterprise list's total is kept between requests (`counts.rs` in the store): it must
//! still follow every change at once, by this server or by another process on the same
//! database, and a town's list must stay that town's, in name order.

use qunlian_domain::auth::{Caller, Role, Scope};
use qunlian_store::registry::{Enterprise, EnterpriseFilter, EnterpriseSort};
use qunlian_store::{Crypto, Page, PageRequest, Store};
use qunlian_testkit::*;

async fn list(s: &Store, c: &Caller, f: &EnterpriseFilter) -> Page<Enterprise> {
    s.registry().list_enterprises(c, f, EnterpriseSort::Name, false, PageRequest::new(Some(1), Some(2))).await.unwrap()
}

#[tokio::test]
async fn the_list_total_follows_creations_and_edits_at_once() {
    let db = TestDb::new().await;
    let s = &db.store;
    let district = user(s, "district", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let high_tech = EnterpriseFilter { high_tech: Some(true), ..Default::default() };
    let all = EnterpriseFilter::default();
    for n in 0..3 {
        s.registry()
            .create_enterprise(&system(), enterprise(n, &format!("上海列表{n}有限公司"), "新桥"))
            .await
            .unwrap();
    }
    assert_eq!(list(s, &district, &all).await.total, 3);
    assert_eq!(list(s, &district, &high_tech).await.total, 0);
    // Asked again unchanged: the same totals (now from the cache).
    assert_eq!(list(s, &district, &all).await.total, 3);
    assert_eq!(s.registry().count_enterprises(&district, &high_tech).await.unwrap(), 0);

    let id = s.registry().create_enterprise(&district, enterprise(3, "上海列表3有限公司", "九亭")).await.unwrap();
    assert_eq!(list(s, &district, &all).await.total, 4, "a new enterprise counts at once");
    let mut marked = enterprise(3, "上海列表3有限公司", "九亭");
    marked.high_tech = true;
    s.registry().update_enterprise(&district, id, marked).await.unwrap();
    assert_eq!(list(s, &district, &high_tech).await.total, 1, "an edit moves the filtered total at once");
    assert_eq!(s.registry().count_enterprises(&district, &high_tech).await.unwrap(), 1);
    assert_eq!(list(s, &district, &all).await.total, 4);
}

#[tokio::test]
async fn the_list_total_follows_a_write_by_another_process() {
    let db = TestDb::new().await;
    let s = &db.store;
    let district = user(s, "district", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let all = EnterpriseFilter::default();
    s.registry().create_enterprise(&system(), enterprise(0, "上海甲有限公司", "新桥")).await.unwrap();
    assert_eq!(list(s, &district, &all).await.total, 1);
    // `qunlian import` or a second server: another store on the same database.
    let other = Store::open(&db.url, Crypto::new(&[42u8; 32]).unwrap()).await.unwrap();
    other.registry().create_enterprise(&system(), enterprise(1, "上海乙有限公司", "新桥")).await.unwrap();
    assert_eq!(list(s, &district, &all).await.total, 2);
    let mut renamed = enterprise(1, "上海乙有限公司", "九亭");
    renamed.high_tech = true;
    let id =
        list(&other, &district, &EnterpriseFilter { q: Some("乙".into()), ..Default::default() }).await.items[0].id;
    let by_town = EnterpriseFilter { region: Some(town("新桥")), ..Default::default() };
    assert_eq!(list(s, &district, &by_town).await.total, 2);
    other.registry().update_enterprise(&district, id, renamed).await.unwrap();
    assert_eq!(list(s, &district, &by_town).await.total, 1, "moved to another town by the other store");
}

#[tokio::test]
async fn a_towns_list_is_that_town_in_name_order() {
    let db = TestDb::new().await;
    let s = &db.store;
    for (n, name, t) in [(0, "上海丙有限公司", "新桥"), (1, "上海甲有限公司", "新桥"), (2, "上海乙有限公司", "九亭")]
    {
        s.registry().create_enterprise(&system(), enterprise(n, name, t)).await.unwrap();
    }
    let xinqiao = user(s, "xinqiao", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let p = s
        .registry()
        .list_enterprises(&xinqiao, &EnterpriseFilter::default(), EnterpriseSort::Name, false, PageRequest::default())
        .await
        .unwrap();
    let names: Vec<&str> = p.items.iter().map(|e| e.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!((p.total, names.clone()), (2, sorted));
    assert!(names.iter().all(|n| *n != "上海乙有限公司"));
    let by_town = EnterpriseFilter { region: Some(town("九亭")), ..Default::default() };
    assert_eq!(
        list(s, &system(), &by_town).await.items.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["上海乙有限公司"]
    );
}

/// The page itself is kept too (read again while the data version stands): it must show an
/// edit at once, by this store or another process, and never another scope's rows.
#[tokio::test]
async fn a_kept_page_follows_edits_at_once_and_stays_in_its_scope() {
    let db = TestDb::new().await;
    let s = &db.store;
    let district = user(s, "district", Role::DistrictAdmin, Scope::Region(songjiang())).await;
    let xinqiao = user(s, "xinqiao", Role::TownAdmin, Scope::Region(town("新桥"))).await;
    let jiuting = user(s, "jiuting", Role::TownAdmin, Scope::Region(town("九亭"))).await;
    let all = EnterpriseFilter::default();
    let names = |p: Page<Enterprise>| p.items.into_iter().map(|e| e.name).collect::<Vec<_>>();
    let a = s.registry().create_enterprise(&system(), enterprise(0, "上海甲有限公司", "新桥")).await.unwrap();
    s.registry().create_enterprise(&system(), enterprise(1, "上海乙有限公司", "九亭")).await.unwrap();
    assert_eq!(names(list(s, &district, &all).await), ["上海乙有限公司", "上海甲有限公司"]);
    // The same page again, nothing changed (now the kept page).
    assert_eq!(names(list(s, &district, &all).await), ["上海乙有限公司", "上海甲有限公司"]);
    // Each town its own page, never the district's kept one.
    assert_eq!(names(list(s, &xinqiao, &all).await), ["上海甲有限公司"]);
    assert_eq!(names(list(s, &jiuting, &all).await), ["上海乙有限公司"]);

    s.registry().update_enterprise(&district, a, enterprise(0, "上海丁有限公司", "新桥")).await.unwrap();
    assert_eq!(names(list(s, &district, &all).await), ["上海丁有限公司", "上海乙有限公司"], "an edit shows at once");
    assert_eq!(names(list(s, &xinqiao, &all).await), ["上海丁有限公司"]);

    let other = Store::open(&db.url, Crypto::new(&[42u8; 32]).unwrap()).await.unwrap();
    other.registry().update_enterprise(&district, a, enterprise(0, "上海戊有限公司", "九亭")).await.unwrap();
    assert_eq!(names(list(s, &xinqiao, &all).await), Vec::<String>::new(), "moved away by another process");
    assert_eq!(names(list(s, &jiuting, &all).await), ["上海乙有限公司", "上海戊有限公司"]);
}
