//! The export's rows: every table of the schema is either exported or
//! named as left out (a new table must choose), and rows come back the same
//! on both backends, NULLs and bytes included, in one transaction.

use hao_domain::Role;
use hao_store::{Cell, EXPORTED_TABLES, NOT_EXPORTED, RowSink, RowSource};

use crate::backends;

#[derive(Default)]
struct Collect {
    tables: Vec<(String, Vec<String>, Vec<Vec<Cell>>)>,
}

impl RowSink for Collect {
    fn table(&mut self, table: &str, columns: &[String]) -> std::io::Result<()> {
        self.tables
            .push((table.to_owned(), columns.to_vec(), Vec::new()));
        Ok(())
    }
    fn row(&mut self, cells: Vec<Cell>) -> std::io::Result<()> {
        self.tables.last_mut().unwrap().2.push(cells);
        Ok(())
    }
}

struct Replay {
    tables: std::vec::IntoIter<(String, Vec<String>, Vec<Vec<Cell>>)>,
    rows: std::vec::IntoIter<Vec<Cell>>,
}

impl RowSource for Replay {
    fn next_table(&mut self) -> Result<Option<(String, Vec<String>)>, String> {
        Ok(self.tables.next().map(|(t, c, rows)| {
            self.rows = rows.into_iter();
            (t, c)
        }))
    }
    fn next_row(&mut self) -> Result<Option<Vec<Cell>>, String> {
        Ok(self.rows.next())
    }
}

#[tokio::test]
async fn every_table_is_exported_or_left_out_by_name_and_rows_round_trip() {
    for db in backends().await {
        let s = &db.store;
        let mut tables = s.table_names().await.unwrap();
        tables.retain(|t| t != "sqlite_sequence");
        for t in &tables {
            assert!(
                EXPORTED_TABLES.contains(&t.as_str()) || NOT_EXPORTED.iter().any(|(n, _)| n == t),
                "table {t} is neither exported nor named as left out ({:?})",
                s.backend()
            );
        }
        let u = s
            .create_user(
                "移出者",
                "$argon2id$v=19$m=19456,t=2,p=1$x$y",
                Role::Reader,
                None,
            )
            .await
            .unwrap()
            .unwrap();
        let bytes: Vec<u8> = (0..=255u8).collect();
        s.put_media("round.png", "image/png", &bytes, (3, 4), u)
            .await
            .unwrap();
        let mut out = Collect::default();
        s.export_rows(&mut out).await.unwrap();
        assert_eq!(out.tables.len(), EXPORTED_TABLES.len());
        let users = out.tables.iter().find(|t| t.0 == "users").unwrap();
        assert_eq!(users.2.len(), 1);
        let media = out.tables.iter().find(|t| t.0 == "media").unwrap();
        let col = media.1.iter().position(|c| c == "bytes").unwrap();
        assert_eq!(media.2[0][col], Cell::Blob(bytes.clone()));

        // Not into a database with users of its own …
        let mut replay = Replay {
            tables: out.tables.clone().into_iter(),
            rows: Vec::new().into_iter(),
        };
        assert!(s.import_rows(&mut replay).await.is_err());
        // … but into a fresh one, the same rows.
        let fresh = backends().await;
        let target = fresh
            .iter()
            .find(|d| d.store.backend() == s.backend())
            .unwrap();
        let mut replay = Replay {
            tables: out.tables.clone().into_iter(),
            rows: Vec::new().into_iter(),
        };
        target.store.import_rows(&mut replay).await.unwrap();
        let mut again = Collect::default();
        target.store.export_rows(&mut again).await.unwrap();
        assert_eq!(again.tables, out.tables);
        // New rows after an import get new ids (sequences moved past the old).
        let v = target
            .store
            .create_user("新来者", "h", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        assert!(v > u);
        for d in fresh {
            d.cleanup().await;
        }
        db.cleanup().await;
    }
}
