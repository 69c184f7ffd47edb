#!/usr/bin/env node
// The floor for a streamed chat: a minimal node:http reader that splits SSE by hand and writes each delta to stdout,
// keeping nothing. bench/chat-stream.mjs and bench/scale.mjs run it beside `groq chat` against the same server.
//
// Usage: node bench/stream-floor.mjs BASE_URL
import {request} from 'node:http'

const body = JSON.stringify({
  model: 'llama-3.3-70b-versatile',
  messages: [{role: 'user', content: 'bench'}],
  stream: true,
})
const headers = {'content-type': 'application/json', authorization: 'Bearer x'}
const req = request(`${process.argv[2]}/openai/v1/chat/completions`, {method: 'POST', headers}, (res) => {
  res.setEncoding('utf8')
  let rest = ''
  res.on('data', (text) => {
    rest += text
    let end
    while ((end = rest.indexOf('\n\n')) !== -1) {
      const line = rest.slice(0, end)
      rest = rest.slice(end + 2)
      if (!line.startsWith('data: ')) continue
      const data = line.slice(6)
      if (data === '[DONE]') {
        process.stdout.write('\n')
        return
      }
      const content = JSON.parse(data).choices[0]?.delta?.content
      if (content) process.stdout.write(content)
    }
  })
})
req.end(body)
