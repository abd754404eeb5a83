import NIOCore

/// A task executor that runs jobs on one NIO event loop, for tasks that should wake where their channel's data
/// arrives.
///
/// A websocket connection's task, preferring its channel's event loop, resumes on the thread that just read the
/// frame instead of hopping to the global pool and back, which halves the wake-ups per frame. Each job costs one
/// `execute` on the loop.
final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    let eventLoop: any EventLoop

    /// Creates an executor running on `eventLoop`.
    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
