//! The default rule pack, compiled into the binary so an installed
//! `gleaner` works anywhere. A test checks that every `.toml` file under
//! `ontology/` is listed here.

macro_rules! pack {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../ontology/", $path)))),*]
    };
}

/// (path under `ontology/`, contents), in load order.
pub const FILES: &[(&str, &str)] = pack![
    "rules/lexicon.toml",
    "rules/titles.toml",
    "rules/countries.toml",
    "rules/places.toml",
    "rules/organizations.toml",
    "rules/people.toml",
    "rules/given-names.toml",
    "rules/groups.toml",
    "rules/relations.toml",
    "stories/belarus-2020.toml",
    "stories/office-holders-2005.toml",
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_ontology_rule_file_is_built_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ontology");
        let mut on_disk = Vec::new();
        for dir in ["rules", "stories"] {
            for e in std::fs::read_dir(root.join(dir)).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "toml") {
                    on_disk.push(format!("{dir}/{}", p.file_name().unwrap().to_string_lossy()));
                }
            }
        }
        on_disk.sort();
        let mut listed: Vec<String> = super::FILES.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed);
    }
}
