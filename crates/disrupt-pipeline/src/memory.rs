//! How much memory the process may use, for the default detector memory budget.

/// Bytes this process can count on: the smallest of the container's limit (cgroup v2 or
/// v1), the address-space limit (`ulimit -v`) and the machine's physical memory; `None`
/// where none can be read.
pub fn available_memory() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let cgroup = own_cgroup_limit_files()
        .iter()
        .filter_map(|path| read(path))
        .filter_map(|s| s.trim().parse::<u64>().ok())
        // v1 reports "no limit" as a huge number; v2 writes "max", which does not parse.
        .filter(|&b| b < (1u64 << 60))
        .min();
    let physical = read("/proc/meminfo").and_then(|s| {
        s.lines().find(|l| l.starts_with("MemTotal:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok())
    });
    [cgroup, address_space_limit(), physical.map(|kb| kb * 1024)].into_iter().flatten().min()
}

/// The process's address-space limit (`ulimit -v`, RLIMIT_AS), when one is set. Virtual
/// size runs ahead of resident memory (thread stacks, allocator arenas are reserved whole),
/// which the budget's share of a quarter leaves room for.
fn address_space_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
        // SAFETY: getrlimit writes the struct it is given and reads nothing else.
        let status = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) };
        if status == 0 && limit.rlim_cur != libc::RLIM_INFINITY {
            return Some(limit.rlim_cur);
        }
    }
    None
}

/// The files that hold this process's memory limit: its own cgroup's (from
/// /proc/self/cgroup) and the mount root's, for cgroup v2 and v1.
fn own_cgroup_limit_files() -> Vec<String> {
    let mut files = Vec::new();
    if let Ok(text) = std::fs::read_to_string("/proc/self/cgroup") {
        for line in text.lines() {
            let mut fields = line.splitn(3, ':');
            let (_, controllers, path) = (fields.next(), fields.next().unwrap_or(""), fields.next().unwrap_or(""));
            if controllers.is_empty() {
                files.push(format!("/sys/fs/cgroup{path}/memory.max"));
            } else if controllers.split(',').any(|c| c == "memory") {
                files.push(format!("/sys/fs/cgroup/memory{path}/memory.limit_in_bytes"));
            }
        }
    }
    files.push("/sys/fs/cgroup/memory.max".into());
    files.push("/sys/fs/cgroup/memory/memory.limit_in_bytes".into());
    files
}

/// The default budget for detector state: a quarter of the memory available, since the
/// per-post columns, the scan of one spilled partition and the output need the rest.
pub fn default_memory_budget() -> usize {
    const FALLBACK: u64 = 8 << 30;
    (available_memory().unwrap_or(FALLBACK) / 4).min(usize::MAX as u64) as usize
}

/// Why a size could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SizeError(pub String);

/// Parses a size such as `512M`, `1.5G`, `64k` or a number of bytes (powers of 1024).
pub fn parse_size(text: &str) -> Result<usize, SizeError> {
    let t = text.trim();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&t[..i], t[i..].to_ascii_lowercase()),
        None => (t, String::new()),
    };
    let scale: f64 = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        "t" => 1024.0f64.powi(4),
        _ => return Err(SizeError(format!("`{text}`: unknown unit (use k, M, G or T)"))),
    };
    let value: f64 = number.trim().parse().map_err(|_| SizeError(format!("`{text}`: not a size")))?;
    if !value.is_finite() || value < 0.0 {
        return Err(SizeError(format!("`{text}`: not a size")));
    }
    Ok((value * scale) as usize)
}

/// Hands memory the allocator holds free back to the system. Detection's worker threads
/// allocate and free in arenas of their own, and glibc keeps what they freed; under a
/// container's limit those pages count until the process ends. Called between stages of a
/// scan that spilled (a limit is near); elsewhere a no-op.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory the allocator owns; it touches no
    // live allocation.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("64kb"), Ok(64 << 10));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1G").is_err());
        assert!(parse_size("3X").is_err());
    }

    #[test]
    fn the_default_budget_is_a_share_of_what_there_is() {
        let budget = default_memory_budget() as u64;
        assert!(budget > 0);
        if let Some(total) = available_memory() {
            assert!(budget <= total / 4);
        }
    }
}
