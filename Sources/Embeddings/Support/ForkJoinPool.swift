import Dispatch
import Foundation
import Synchronization

/// Splits one short computation, such as one layer of a network, among the calling thread and
/// long-lived helper threads. A helper that finishes a part keeps watching for the next one for
/// ``spinNanoseconds`` before it sleeps, so the parts of consecutive layers start within
/// microseconds instead of waiting for a sleeping thread to wake (tens of microseconds each time
/// with Dispatch, about a fifth of a layer of EfficientNet on one core).
///
/// One caller holds the helpers at a time. Another caller, or a part that itself splits its
/// work, gets Dispatch's worker threads instead, so every call makes progress.
public final class ForkJoinPool: Sendable {
    /// The process's pool: one helper per processor beyond the first.
    public static let shared = ForkJoinPool(helpers: max(ProcessInfo.processInfo.activeProcessorCount - 1, 0))

    /// How long an idle helper keeps watching for work before it sleeps.
    public static let spinNanoseconds: UInt64 = 200_000

    private let helpers: [ForkJoinHelper]
    private let isHeld = Atomic<Bool>(false)

    /// A pool with `helpers` helper threads, each started on first use; they live as long as the process.
    public init(helpers: Int) {
        self.helpers = (0..<helpers).map { _ in ForkJoinHelper() }
    }

    /// Runs `body(part)` for each part in `0 ..< parts`, in parallel, and returns when all are
    /// done. The calling thread runs part 0.
    public func run(parts: Int, _ body: (_ part: Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = UncheckedSendable(body)
            guard parts - 1 <= helpers.count, isHeld.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
            else {
                DispatchQueue.concurrentPerform(iterations: parts) { shared.value($0) }
                return
            }
            for part in 1..<parts { helpers[part - 1].start { shared.value(part) } }
            body(0)
            for part in 1..<parts { helpers[part - 1].waitUntilFinished() }
            isHeld.store(false, ordering: .releasing)
        }
    }
}

/// One helper thread of a ``ForkJoinPool``: it runs one part at a time, handed over through
/// two counters (parts started, parts finished) and, while it sleeps, a condition.
private final class ForkJoinHelper: @unchecked Sendable {
    private let started = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    /// The part to run; written before `started` is raised, read after, so never at once.
    private var part: (@Sendable () -> Void)?
    private let wakeUp = NSCondition()
    /// Whether the thread sleeps on `wakeUp`; guarded by `wakeUp`.
    private var isSleeping = false
    private let thread = Mutex<Thread?>(nil)

    /// Hands `part` to the helper thread, starting the thread on first use.
    func start(_ part: @escaping @Sendable () -> Void) {
        self.part = part
        started.add(1, ordering: .releasing)
        thread.withLock { thread in
            if thread == nil {
                let newThread = Thread { [self] in loop() }
                newThread.name = "quarry-fork-join"
                newThread.start()
                thread = newThread
            }
        }
        wakeUp.lock()
        if isSleeping { wakeUp.signal() }
        wakeUp.unlock()
    }

    /// Returns once the part handed over last has run. After a short spin it yields its core at
    /// each look, so that a long part (a whole image of a batch) leaves the core to other work.
    func waitUntilFinished() {
        let wanted = started.load(ordering: .relaxed)
        var spins = 0
        while finished.load(ordering: .acquiring) != wanted {
            spins += 1
            if spins > 4096 { sched_yield() }
        }
        part = nil
    }

    private func loop() {
        var done = 0
        while true {
            waitForWork(after: done)
            done += 1
            part?()
            finished.store(done, ordering: .releasing)
        }
    }

    /// Spins until a part after the `done`-th is started, for ``ForkJoinPool/spinNanoseconds``,
    /// then sleeps until one is.
    private func waitForWork(after done: Int) {
        let deadline = DispatchTime.now().uptimeNanoseconds + ForkJoinPool.spinNanoseconds
        var spins = 0
        while started.load(ordering: .acquiring) == done {
            spins += 1
            guard spins & 1023 == 0, DispatchTime.now().uptimeNanoseconds > deadline else { continue }
            wakeUp.lock()
            isSleeping = true
            while started.load(ordering: .acquiring) == done { wakeUp.wait() }
            isSleeping = false
            wakeUp.unlock()
            return
        }
    }
}
