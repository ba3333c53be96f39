import Foundation
import Hummingbird

/// Applies the `AccessPolicy` to every request before anything else sees it, answering
/// refusals with a JSON body.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = BatonRequestContext
    let policy: AccessPolicy

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let decision = policy.decide(AccessPolicy.Request(
            method: request.method.rawValue, path: request.uri.path, queryToken: request.uri.queryParameters.get("token"),
            authorization: request.headers[.authorization], host: request.head.authority,
            origin: request.headers[.origin], contentType: request.headers[.contentType]))
        switch decision {
        case .allow: return try await next(request, context)
        case .deny(let status, let message):
            context.logger.debug("refused \(request.method) \(request.uri.path): \(message)")
            return JSONResponse.error(message, status: HTTPResponse.Status(code: status)).response
        }
    }

    /// Whether a normalised path names a file of the Studio folder (a folder means its index.html).
    static func studioFiles(in folder: String?) -> @Sendable ([String]) -> Bool {
        guard let folder else { return { _ in false } }
        return { segments in
            var path = (folder as NSString).appendingPathComponent(segments.joined(separator: "/"))
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return false }
            if isFolder.boolValue { path = (path as NSString).appendingPathComponent("index.html") }
            return FileManager.default.fileExists(atPath: path)
        }
    }
}
