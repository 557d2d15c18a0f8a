//! Which node pairs test each other, in which round (pure).
//!
//! A round is a set of disjoint pairs that run at the same time: no node is in two pairs of
//! one round, so a link is never measured while its end points are busy with another test.
//!
//! * [`round_robin`]: every pair exactly once (a round-robin tournament by the circle
//!   method): N-1 rounds for even N, N rounds for odd N (each node sits out one round).
//! * [`ring`]: each node with its neighbour (i, i+1 mod N): N tests (1 for N = 2) in 2 rounds
//!   for even N, 3 for odd N (the closing pair shares a node with both other rounds).

use serde::Serialize;

/// One test: `server` listens, `client` connects (indexes into the node list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pair {
    pub server: usize,
    pub client: usize,
}

/// Every pair exactly once, in rounds of disjoint pairs.
pub fn round_robin(n: usize) -> Vec<Vec<Pair>> {
    if n < 2 {
        return Vec::new();
    }
    // Circle method: player m-1 stays put, the others rotate; with odd n, player n is a bye.
    let m = n + n % 2;
    let rot = m - 1;
    let mut rounds = Vec::with_capacity(rot);
    for r in 0..rot {
        let mut round = Vec::with_capacity(m / 2);
        for i in 0..m / 2 {
            let (a, b) = if i == 0 {
                (m - 1, r)
            } else {
                ((r + i) % rot, (r + rot - i) % rot)
            };
            if a >= n || b >= n {
                continue;
            }
            // Alternate who serves so that no node is always the server.
            let (server, client) = if (r + i).is_multiple_of(2) {
                (a, b)
            } else {
                (b, a)
            };
            round.push(Pair { server, client });
        }
        rounds.push(round);
    }
    rounds
}

/// Each node with the next one (wrapping around).
pub fn ring(n: usize) -> Vec<Vec<Pair>> {
    match n {
        0 | 1 => Vec::new(),
        2 => vec![vec![Pair {
            server: 0,
            client: 1,
        }]],
        _ => {
            let pair = |i: usize| Pair {
                server: i,
                client: (i + 1) % n,
            };
            let even: Vec<Pair> = (0..n - 1).step_by(2).map(pair).collect();
            let odd: Vec<Pair> = (1..n - 1).step_by(2).map(pair).collect();
            let mut rounds = vec![even, odd];
            // The closing pair (n-1, 0): with even n it fits the odd round (0 and n-1 are
            // free there); with odd n both nodes are busy in both rounds.
            if n.is_multiple_of(2) {
                rounds[1].push(pair(n - 1));
            } else {
                rounds.push(vec![pair(n - 1)]);
            }
            rounds
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every pair at most once overall and no node twice in a round; returns the pair count.
    fn check_disjoint(n: usize, rounds: &[Vec<Pair>]) -> usize {
        let mut seen = vec![false; n * n];
        let mut count = 0;
        for round in rounds {
            let mut busy = vec![false; n];
            for p in round {
                assert!(p.server < n && p.client < n && p.server != p.client);
                assert!(!busy[p.server] && !busy[p.client], "node twice in a round");
                busy[p.server] = true;
                busy[p.client] = true;
                let (a, b) = (p.server.min(p.client), p.server.max(p.client));
                assert!(!seen[a * n + b], "pair {a}-{b} twice");
                seen[a * n + b] = true;
                count += 1;
            }
        }
        count
    }

    fn check_round_robin(n: usize) {
        let rounds = round_robin(n);
        let count = check_disjoint(n, &rounds);
        assert_eq!(
            count,
            n * n.saturating_sub(1) / 2,
            "every pair once for n={n}"
        );
        let want_rounds = match n {
            0 | 1 => 0,
            n if n.is_multiple_of(2) => n - 1,
            n => n,
        };
        assert_eq!(rounds.len(), want_rounds, "rounds for n={n}");
    }

    #[test]
    fn small_tournaments() {
        for n in 0..=40 {
            check_round_robin(n);
        }
        assert_eq!(
            round_robin(2),
            vec![vec![Pair {
                server: 1,
                client: 0
            }]]
        );
    }

    #[test]
    fn tournament_of_1024_nodes() {
        check_round_robin(1024);
        check_round_robin(1023);
    }

    #[test]
    fn rings() {
        assert!(ring(1).is_empty());
        assert_eq!(ring(2).len(), 1);
        for n in 3..=64 {
            let rounds = ring(n);
            assert_eq!(check_disjoint(n, &rounds), n, "n={n}");
            assert_eq!(
                rounds.len(),
                if n.is_multiple_of(2) { 2 } else { 3 },
                "n={n}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn every_pair_once_no_node_twice_in_a_round(n in 0usize..=1024) {
            check_round_robin(n);
        }

        #[test]
        fn ring_is_n_tests_of_neighbours(n in 3usize..=1024) {
            let rounds = ring(n);
            prop_assert_eq!(check_disjoint(n, &rounds), n);
            for p in rounds.iter().flatten() {
                prop_assert_eq!(p.client, (p.server + 1) % n);
            }
        }
    }
}
